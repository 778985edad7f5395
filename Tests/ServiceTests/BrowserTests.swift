import Foundation
import Streaming
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium loads the web UI while a query runs: the page's script draws the charts
/// from the JSON API, and their data grow between two loads.
@Suite(.serialized) struct BrowserTests {
    static let chromium = "/usr/bin/chromium"

    /// The DOM after the page's scripts ran.
    static func dumpDOM(_ url: String, dir: String) throws -> String {
        let p = try ChildProcess(
            chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--user-data-dir=\(FilePaths.join(dir, "chromium-profile"))", "--dump-dom", url],
            directory: dir)
        let status = p.waitForExit(timeout: 60)
        guard status == 0 else { throw ChildError("chromium exited \(String(describing: status)): \(p.stderr.suffix(2000))") }
        return p.stdout
    }

    /// `data-points` of the chart with `id`.
    static func points(_ dom: String, chart id: String) -> Int? {
        guard let r = dom.range(of: #"<svg[^>]*id="chart-\#(id)"[^>]*>"#, options: .regularExpression),
            let p = dom[r].range(of: #"data-points="\d+""#, options: .regularExpression)
        else { return nil }
        return Int(dom[r][p].dropFirst(13).dropLast())
    }

    @Test func chartsGrowBetweenTwoLoadsWhileTheQueryRuns() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            Issue.record("chromium is not installed (apt-get install chromium; .ci/run does)")
            return
        }
        let f = try PipelineFixture("browser")
        defer { f.remove() }
        try LogFiles.write(into: f.input, file: 0)
        let app = try f.start(["run", "--port", "0", "--trigger", "200ms"])
        defer { app.kill() }
        let port = try app.announcedPort()
        let producer = Producer(input: f.input, every: 0.4, firstFile: 1)
        producer.start()
        defer { producer.stop() }
        let url = "http://127.0.0.1:\(port)/#errors_per_minute"
        _ = try app.waitFor("a first batch", timeout: 60) { _ -> Bool? in
            (try? HTTP.get("http://127.0.0.1:\(port)/api/queries/errors_per_minute/progress")).map { $0.count > 2 } == true ? true : nil
        }

        let first = try Self.dumpDOM(url, dir: f.dir)
        #expect(first.contains("errors_per_minute"))
        #expect(first.contains(#"class="status running""#))
        let before = try #require(Self.points(first, chart: "input-rows"))
        Thread.sleep(forTimeInterval: 2)
        let second = try Self.dumpDOM(url, dir: f.dir)
        let after = try #require(Self.points(second, chart: "input-rows"))
        #expect(before > 0)
        #expect(after > before, "input-rows chart had \(before) points, then \(after)")
        for chart in ["input-rate", "process-rate", "batch-duration", "lag", "state-rows"] {
            #expect(Self.points(second, chart: chart) != nil, "no \(chart) chart")
        }
        // The charts' points are drawn: a polyline with as many points as the data says.
        #expect(second.contains("<polyline"))

        producer.stop()
        app.signal(SIGTERM)
        #expect(app.waitForExit(timeout: 60) == 0)
    }
}
