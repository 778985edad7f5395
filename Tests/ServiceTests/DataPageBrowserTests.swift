import Foundation
import Streaming
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `sluice demo --serve` with its dashboards and log dump, driven by headless Chromium through
/// WebDriver: the log-dump form is typed into and submitted, the dashboard is read while new
/// table versions land. With `SLUICE_SCREENSHOTS=DIR` the screenshots are also written to DIR
/// (how `docs/dashboard.png` and `docs/log-dump.png` were made).
@Suite(.serialized) struct DataPageBrowserTests {
    /// The demo serving on a free port, once its log table holds data past `utc`.
    static func demo(_ dir: String, until utc: String) throws -> (ChildProcess, String) {
        let demo = try ChildProcess(
            TestEnvironment.executable("sluice"), ["demo", "--serve", "--port", "0", "--dir", dir, "--file-every", "0.5"], directory: dir)
        let base = "http://127.0.0.1:\(try demo.announcedPort())"
        _ = try demo.waitFor("the log table past \(utc)", timeout: 120) { _ -> Bool? in
            let body = (try? HTTP.get(base + "/api/logs?table=logs&from=\(utc.replacingOccurrences(of: " ", with: "%20"))&to=2027-01-01%2000:00&tz=UTC")) ?? ""
            return body.isEmpty ? nil : true
        }
        return (demo, base)
    }

    static func keep(_ png: Data, as name: String, scratch: String) throws {
        #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) is not a PNG of a page")
        try png.write(to: URL(fileURLWithPath: FilePaths.join(scratch, name)))
        if let dir = ProcessInfo.processInfo.environment["SLUICE_SCREENSHOTS"] {
            try png.write(to: URL(fileURLWithPath: FilePaths.join(dir, name)))
        }
    }

    static func query(_ pairs: [(String, String)]) -> String {
        var c = URLComponents()
        c.queryItems = pairs.map { URLQueryItem(name: $0.0, value: $0.1) }
        return c.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
    }

    @Test func theLogDumpFormShowsTheRowsOfTheAPIAndTheCommand() throws {
        guard WebDriver.isInstalled else {
            Issue.record("chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does)")
            return
        }
        let dir = try TestEnvironment.scratch("logs-page")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (demo, base) = try Self.demo(dir, until: "2026-11-26 00:30")
        defer { demo.kill() }

        // Paris local 00:55 to 01:20 is 23:55Z to 00:20Z: the UTC day (and date partition) changes inside.
        let form = [("customer", "acme"), ("service", "checkout"), ("from", "2026-11-26 00:55"), ("to", "2026-11-26 01:20"), ("tz", "Europe/Paris")]
        let browser = try WebDriver(directory: dir)
        defer { browser.quit() }
        try browser.open(base + "/logs")
        _ = try browser.wait("the table list") { try browser.attribute("#table option", "value") }
        for (field, value) in form { try browser.type("#" + field, value) }
        try browser.click("#dump-button")
        let done = try browser.wait("the dump") { try browser.attribute("#status", "data-done") }
        let shownError = (try? browser.text("#error")) ?? ""
        #expect(done == "ok", "\(shownError)")
        let shown = Int(try browser.attribute("#status", "data-rows") ?? "") ?? -1
        let tableRows = try browser.execute("return document.querySelectorAll('#rows tbody tr').length") as? Int
        let screenshot = try browser.screenshot()
        try Self.keep(screenshot, as: "log-dump.png", scratch: dir)
        // The form put its fields in the page's URL, so the dump can be shared as a link.
        let url = try browser.command("/url", "GET") as? String ?? ""
        #expect(url.contains("customer=acme") && url.contains("tz=Europe%2FParis"), "\(url)")

        let api = try HTTP.get(base + "/api/logs?table=logs&" + Self.query(form)).split(separator: "\n").map(String.init)
        #expect(shown == api.count && tableRows == api.count)
        #expect(api.count > 5)
        let from = Timestamps.make(year: 2026, month: 11, day: 25, hour: 23, minute: 55)
        let to = Timestamps.make(year: 2026, month: 11, day: 26, hour: 0, minute: 20)
        for line in api {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(row["customer"] as? String == "acme" && row["service"] as? String == "checkout")
            let ts = try #require(Timestamps.parseISO8601(row["timestamp"] as? String ?? ""))
            #expect(ts >= from && ts < to, "\(line)")
        }
        #expect(Set(api).count == api.count, "a row twice")

        // Streamed (chunked, no length known up front); CSV has a header and the same rows; the
        // summary line counts them.
        let streamed = try HTTP.request(base + "/api/logs?table=logs&" + Self.query(form))
        #expect(streamed.headers["content-length"] == nil && streamed.headers["content-type"] == "application/x-ndjson")
        let csv = try HTTP.get(base + "/api/logs?table=logs&format=csv&" + Self.query(form)).split(separator: "\n")
        #expect(csv.first == "timestamp,level,service,customer,latency_ms,message,date" && csv.count == api.count + 1)
        let summarized = try HTTP.get(base + "/api/logs?table=logs&summary=1&" + Self.query(form)).split(separator: "\n")
        let summary = try JSONSerialization.jsonObject(with: Data((summarized.last ?? "").utf8)) as? [String: Any]
        let statistics = (summary?["@summary"] as? [String: Any])?["statistics"] as? [String: Any]
        #expect(statistics?["rowsMatched"] as? Int == api.count && summarized.count == api.count + 1, "\(summarized.last ?? "")")

        // The command on the same table prints the same rows.
        let command = try ChildProcess(
            TestEnvironment.executable("sluice"),
            ["logs", FilePaths.join(dir, "tables", "logs"), "--where", "customer=acme", "--where", "service=checkout",
             "--from", "2026-11-26 00:55", "--to", "2026-11-26 01:20", "--tz", "Europe/Paris"],
            directory: dir)
        #expect(command.waitForExit(timeout: 60) == 0, "\(command.stderr)")
        #expect(command.stdout.split(separator: "\n").map(String.init).sorted() == api.sorted())

        // A bad zone is a 400 naming it, before any row.
        let bad = try HTTP.request(base + "/api/logs?table=logs&from=2026-11-26%2000:55&to=2026-11-26%2001:20&tz=Mars/Olympus")
        #expect(bad.status == 400 && bad.body.contains("Mars/Olympus"), "\(bad.body)")
        #expect(try HTTP.request(base + "/api/logs?table=nope&from=2026-11-26%2000:55&to=2026-11-26%2001:20").status == 404)
        demo.signal(SIGTERM)
        #expect(demo.waitForExit(timeout: 60) == 0, "\(demo.stderr.suffix(2000))")
    }

    @Test func theErrorChartMarksProvisionalWindowsAndRedrawsAsVersionsLand() throws {
        guard WebDriver.isInstalled else {
            Issue.record("chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does)")
            return
        }
        let dir = try TestEnvironment.scratch("dashboard-page")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Data past 00:45Z moves the watermark (10 minutes behind) past 00:30Z.
        let (demo, base) = try Self.demo(dir, until: "2026-11-26 00:45")
        defer { demo.kill() }
        let browser = try WebDriver(directory: dir)
        defer { browser.quit() }

        // A closed range: 23:50Z to 00:30Z, every window final. The bars add up to the ERROR
        // lines the raw log table holds in that range.
        let range = [("d", "errors-per-service"), ("from", "2026-11-26 00:50"), ("to", "2026-11-26 01:30"), ("tz", "Europe/Paris")]
        let apiURL = base + "/api/dashboards/errors-per-service?" + Self.query(Array(range.dropFirst()))
        // The live table's query runs at its own pace: wait until its watermark closed the range.
        let api = try demo.waitFor("every window of the range final", timeout: 120) { _ -> [String: Any]? in
            guard let body = try? HTTP.get(apiURL), let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                json["watermark"] is String, json["firstProvisionalBucket"] == nil || json["firstProvisionalBucket"] is NSNull
            else { return nil }
            return json
        }
        #expect((api["labels"] as? [String])?.first == "2026-11-26 00:50")
        try browser.open(base + "/dashboards?" + Self.query(range))
        let total = try browser.wait("the closed chart") { try browser.attribute("#dashboard-chart", "data-total").flatMap(Double.init) }
        #expect(try browser.attribute("#dashboard-chart", "data-buckets") == "40")
        #expect(try browser.attribute("#dashboard-chart", "data-provisional") == "0")
        let rows = try HTTP.get(
            base + "/api/logs?table=logs&" + Self.query([("from", "2026-11-25 23:50"), ("to", "2026-11-26 00:30"), ("tz", "UTC")]))
        let errors = rows.split(separator: "\n").filter { $0.contains(#""level":"ERROR""#) }.count
        #expect(total == Double(errors) && errors > 0, "chart \(total), raw table \(errors)")

        // The latest range: the newest windows are still open under the watermark.
        try browser.click("#latest")
        let version = try browser.wait("the latest chart") { () -> Int? in
            guard try browser.attribute("#dashboard-chart", "data-buckets") == "60" else { return nil }
            return Int(try browser.attribute("#dashboard-chart", "data-version") ?? "")
        }
        let provisional = Int(try browser.attribute("#dashboard-chart", "data-provisional") ?? "") ?? 0
        #expect(provisional > 0 && provisional < 60)
        #expect((try browser.execute("return document.querySelectorAll('#dashboard-chart rect.bar.provisional').length") as? Int ?? 0) > 0)
        #expect(try browser.text("#chart").contains("provisional: after the watermark"))
        // New files keep landing: the page redraws by itself with a newer table version.
        let newer = try browser.wait("a redraw with a newer table version", timeout: 60) { () -> Int? in
            let v = Int(try browser.attribute("#dashboard-chart", "data-version") ?? "") ?? 0
            return v > version ? v : nil
        }
        #expect(newer > version)
        try Self.keep(try browser.screenshot(), as: "dashboard.png", scratch: dir)
        demo.signal(SIGTERM)
        #expect(demo.waitForExit(timeout: 60) == 0, "\(demo.stderr.suffix(2000))")
    }
}
