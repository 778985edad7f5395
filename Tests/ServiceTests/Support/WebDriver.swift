import Foundation
import Streaming

/// A headless Chromium driven through chromedriver's W3C WebDriver API, for tests that type
/// into forms and click (`--dump-dom` only loads a page).
final class WebDriver {
    static let chromedriver = "/usr/bin/chromedriver"
    static let chromium = "/usr/bin/chromium"
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromedriver) && FileManager.default.isExecutableFile(atPath: chromium)
    }

    let driver: ChildProcess
    let port: Int
    let session: String

    init(directory: String, width: Int = 1280, height: Int = 900) throws {
        let port = try TestEnvironment.freePort()
        self.port = port
        driver = try ChildProcess(Self.chromedriver, ["--port=\(port)"], directory: directory)
        _ = try driver.waitFor("chromedriver ready", timeout: 30) { _ -> Bool? in
            (try? RawHTTP.request(port: port, method: "GET", path: "/status"))?.body.contains(#""ready":true"#) == true ? true : nil
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": Self.chromium,
                        "args": [
                            "--headless", "--no-sandbox", "--disable-gpu", "--window-size=\(width),\(height)",
                            "--user-data-dir=\(FilePaths.join(directory, "webdriver-profile"))",
                        ],
                    ],
                ]
            ]
        ]
        let reply = try Self.call(port, "/session", "POST", capabilities)
        guard let value = reply as? [String: Any], let id = value["sessionId"] as? String else {
            throw ChildError("chromedriver gave no session: \(reply)")
        }
        session = id
    }

    /// Sends a command; returns its `value`.
    @discardableResult
    static func call(_ port: Int, _ path: String, _ method: String, _ body: [String: Any]? = nil) throws -> Any {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let r = try RawHTTP.request(port: port, method: method, path: path, body: data)
        let json = try JSONSerialization.jsonObject(with: Data(r.body.utf8), options: [.fragmentsAllowed])
        let value = (json as? [String: Any])?["value"] ?? NSNull()
        guard r.status == 200 else { throw ChildError("WebDriver \(method) \(path): \(r.status) \(r.body.prefix(500))") }
        return value
    }

    @discardableResult
    func command(_ path: String, _ method: String = "POST", _ body: [String: Any]? = [:]) throws -> Any {
        try Self.call(port, "/session/\(session)\(path)", method, method == "GET" || method == "DELETE" ? nil : body)
    }

    func open(_ url: String) throws { try command("/url", "POST", ["url": url]) }

    /// The element `css` selects (waits up to `timeout` for it to appear).
    func element(_ css: String, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let v = try? command("/element", "POST", ["using": "css selector", "value": css]) as? [String: Any],
                let id = v[Self.elementKey] as? String
            {
                return id
            }
            if Date() > deadline { throw ChildError("no element \(css) within \(timeout) s") }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    func type(_ css: String, _ text: String) throws {
        let e = try element(css)
        try command("/element/\(e)/clear")
        try command("/element/\(e)/value", "POST", ["text": text])
    }

    func click(_ css: String) throws { try command("/element/\(try element(css))/click") }

    func attribute(_ css: String, _ name: String) throws -> String? {
        try command("/element/\(try element(css))/attribute/\(name)", "GET") as? String
    }

    func text(_ css: String) throws -> String { (try command("/element/\(try element(css))/text", "GET") as? String) ?? "" }

    /// Runs `script` in the page; returns its result.
    func execute(_ script: String) throws -> Any { try command("/execute/sync", "POST", ["script": script, "args": [Any]()]) }

    /// Waits until `read` gives a value.
    func wait<T>(_ what: String, timeout: Double = 30, _ read: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let v = try? read() { return v }
            if Date() > deadline { throw ChildError("\(what) did not happen within \(timeout) s") }
            Thread.sleep(forTimeInterval: 0.25)
        }
    }

    /// The window as PNG.
    func screenshot() throws -> Data {
        guard let b64 = try command("/screenshot", "GET") as? String, let png = Data(base64Encoded: b64) else {
            throw ChildError("no screenshot")
        }
        return png
    }

    func quit() {
        _ = try? command("", "DELETE")
        driver.kill()
    }
}
