import Foundation
import Streaming
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real Prometheus server scrapes the running app on loopback; PromQL through its HTTP API
/// returns the query's rates.
@Suite(.serialized) struct PrometheusScrapeTests {
    struct QueryResult: Decodable {
        struct Data: Decodable {
            struct Sample: Decodable {
                var metric: [String: String]
                var value: [ValuePart]
            }
            var result: [Sample]
        }
        var status: String
        var data: Data
    }

    enum ValuePart: Decodable {
        case time(Double), text(String)
        init(from d: any Decoder) throws {
            let c = try d.singleValueContainer()
            if let t = try? c.decode(Double.self) { self = .time(t) } else { self = .text(try c.decode(String.self)) }
        }
        var number: Double? { if case .text(let s) = self { return Double(s) }; return nil }
    }

    /// The samples of `promql` (label set and value).
    static func query(_ port: Int, _ promql: String) throws -> [([String: String], Double)] {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let body = try HTTP.get("http://127.0.0.1:\(port)/api/v1/query?query=\(encoded)")
        let r = try JSONDecoder().decode(QueryResult.self, from: Data(body.utf8))
        return r.data.result.map { ($0.metric, $0.value.last?.number ?? .nan) }
    }

    @Test func prometheusScrapesTheAppAndPromQLReturnsRates() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") else {
            Issue.record("prometheus is not installed (apt-get install prometheus; .ci/run does)")
            return
        }
        let f = try PipelineFixture("prometheus")
        defer { f.remove() }
        try LogFiles.write(into: f.input, file: 0)
        let app = try f.start(["run", "--port", "0", "--trigger", "200ms"])
        defer { app.kill() }
        let appPort = try app.announcedPort()
        let producer = Producer(input: f.input, every: 0.3, firstFile: 1)
        producer.start()
        defer { producer.stop() }

        let promPort = try TestEnvironment.freePort()
        let config = FilePaths.join(f.dir, "prometheus.yml")
        try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: sluice
                static_configs:
                  - targets: ['127.0.0.1:\(appPort)']
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let prometheus = try ChildProcess(
            "/usr/bin/prometheus",
            ["--config.file=\(config)", "--storage.tsdb.path=\(FilePaths.join(f.dir, "tsdb"))", "--web.listen-address=127.0.0.1:\(promPort)"],
            directory: f.dir)
        // Prometheus inherits the test runner's blocked SIGTERM: `kill()` (SIGKILL) ends it.
        defer { prometheus.kill() }

        let rates = try prometheus.waitFor("a positive input rate for both queries", timeout: 90) { _ -> [String: Double]? in
            guard let samples = try? Self.query(promPort, "rate(sluice_query_input_rows_total[10s])") else { return nil }
            let byQuery = Dictionary(samples.map { ($0.0["query"] ?? "", $0.1) }, uniquingKeysWith: max)
            return (byQuery["errors"] ?? 0) > 0 && (byQuery["errors_per_minute"] ?? 0) > 0 ? byQuery : nil
        }
        #expect(rates.keys.contains("errors") && rates.keys.contains("errors_per_minute"))

        // The batch-duration histogram, state gauges with their operator label, and lags scrape too.
        let batches = try Self.query(promPort, #"rate(sluice_query_batch_duration_seconds_count{query="errors"}[10s])"#)
        #expect((batches.first?.1 ?? 0) > 0)
        let p99 = try Self.query(promPort, "histogram_quantile(0.99, rate(sluice_query_batch_duration_seconds_bucket[30s]))")
        #expect(p99.contains { $0.1 > 0 })
        let state = try Self.query(promPort, "sluice_query_state_rows")
        #expect(state.contains { $0.0["query"] == "errors_per_minute" && $0.0["operator"] != nil && $0.1 > 0 })
        let lag = try Self.query(promPort, #"sluice_query_watermark_lag_seconds{query="errors_per_minute"}"#)
        #expect((lag.first?.1 ?? 0) > 0)
        let failures = try Self.query(promPort, "sluice_query_failures_total")
        #expect(failures.count == 2 && failures.allSatisfy { $0.1 == 0 })

        producer.stop()
        app.signal(SIGTERM)
        #expect(app.waitForExit(timeout: 60) == 0)
    }
}

/// Drops a new log file every `every` seconds on its own thread.
final class Producer: @unchecked Sendable {
    private let input: String
    private let every: Double
    private var next: Int
    private let lock = NSLock()
    private var running = true

    init(input: String, every: Double, firstFile: Int) {
        self.input = input
        self.every = every
        next = firstFile
    }

    func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                _ = try? LogFiles.write(into: input, file: next)
                next += 1
                Thread.sleep(forTimeInterval: every)
            }
        }
    }

    func stop() { lock.withLock { running = false } }
}
