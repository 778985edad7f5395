import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Minimal blocking HTTP for tests.
enum HTTP {
    struct Reply {
        var status: Int
        var body: String
        var headers: [String: String]
    }

    static func request(_ url: String, method: String = "GET", headers: [String: String] = [:], timeout: Double = 10) throws -> Reply {
        var req = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
        req.httpMethod = method
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Reply, any Error> = .failure(ChildError("no reply from \(url)"))
        let task = URLSession.shared.dataTask(with: req) { data, response, error in
            if let error {
                result = .failure(error)
            } else if let http = response as? HTTPURLResponse {
                var h: [String: String] = [:]
                for (k, v) in http.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
                result = .success(Reply(status: http.statusCode, body: String(decoding: data ?? Data(), as: UTF8.self), headers: h))
            }
            done.signal()
        }
        task.resume()
        _ = done.wait(timeout: .now() + timeout + 1)
        return try result.get()
    }

    static func get(_ url: String) throws -> String {
        let r = try request(url)
        guard r.status == 200 else { throw ChildError("GET \(url): \(r.status) \(r.body)") }
        return r.body
    }
}
