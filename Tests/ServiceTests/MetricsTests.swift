import Foundation
import Testing

@testable import Service
@testable import Streaming

/// The Prometheus exposition after real batches: names, `query` labels, values.
@Suite struct MetricsTests {
    @Test func metricsFollowTheProgressOfEachBatch() throws {
        let dir = try TestEnvironment.scratch("metrics")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        try EventFiles.write(input, "a.jsonl", minutes: [0, 1, 5], extra: [#"{"ts":"#])
        try EventFiles.write(input, "b.jsonl", minutes: [30, 31])
        let session = StreamingSession()
        let metrics = ServiceMetrics()
        session.streams.addListener(metrics.listener)
        let query = try session.readStream.format(.jsonLines).schema(EventFiles.schema).option(.maxFilesPerTrigger(1)).load(input)
            .withWatermark("ts", delay: .minutes(1))
            .groupBy(window(col("ts"), .minutes(1)))
            .agg(count().as("n"))
            .writeStream.format(.memory("metrics_test")).outputMode(.append).queryName("windows")
            .trigger(.availableNow)
            .start()
        try query.awaitTermination()
        let progress = query.recentProgress
        // Two files, then a no-data batch because the watermark moved.
        #expect(progress.map(\.numInputRows) == [4, 2, 0])

        let now = Date(timeIntervalSince1970: Double(Timestamps.make(year: 2026, month: 11, day: 25, hour: 11)) / 1e6)
        let e = Exposition(String(decoding: metrics.exposition(now: now), as: UTF8.self))
        let q = ["query": "windows"]
        #expect(e.value("sluice_query_input_rows_total", q) == Double(progress.reduce(0) { $0 + $1.numInputRows }))
        #expect(e.type(of: "sluice_query_input_rows_total") == "counter")
        #expect(e.value("sluice_query_malformed_rows_total", q) == 1)
        #expect(e.value("sluice_query_last_batch_id", q) == 2)
        #expect(e.value("sluice_query_processed_rows_per_second", q) == progress.last!.processedRowsPerSecond)
        #expect(e.type(of: "sluice_query_batch_duration_seconds") == "histogram")
        #expect(e.value("sluice_query_batch_duration_seconds_count", q) == 3)
        #expect(e.value("sluice_query_phase_duration_seconds_count", ["query": "windows", "phase": "addBatch"]) == 3)
        #expect(e.value("sluice_query_backlog_files", q) == 0)
        #expect(e.value("sluice_query_backlog_bytes", q) == 0)
        let op = progress.last!.stateOperators[0]
        #expect(e.value("sluice_query_state_rows", ["query": "windows", "operator": op.operatorName]) == Double(op.numRowsTotal))
        #expect(e.value("sluice_query_state_bytes", ["query": "windows", "operator": op.operatorName]) == Double(op.memoryUsedBytes))
        #expect(e.value("sluice_query_late_rows_total", q) == 0)
        #expect(e.value("sluice_query_failures_total", q) == 0)
        // now − watermark (10:30, the newest event 10:31 less the 1-minute delay) and
        // now − newest event time.
        #expect(e.value("sluice_query_watermark_lag_seconds", q) == Double(30 * 60))
        #expect(e.value("sluice_query_event_time_lag_seconds", q) == Double(29 * 60))
    }

    @Test func backlogIsWhatTheListingHoldsBeyondTheBatch() throws {
        let dir = try TestEnvironment.scratch("metrics-backlog")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        var sizes: [Int64] = []
        for i in 0..<3 {
            let p = try EventFiles.write(input, "f\(i).jsonl", minutes: [i])
            sizes.append(Int64(try FileManager.default.attributesOfItem(atPath: p)[.size] as! Int))
        }
        let session = StreamingSession()
        let metrics = ServiceMetrics()
        session.streams.addListener(metrics.listener)
        let query = try session.readStream.format(.jsonLines).schema(EventFiles.schema).option(.maxFilesPerTrigger(1)).load(input)
            .writeStream.format(.memory("metrics_backlog")).queryName("backlog").trigger(.availableNow).start()
        try query.awaitTermination()
        #expect(query.recentProgress.map { $0.sources[0].metrics?["backlogFiles"] } == ["2", "1", "0"])
        #expect(query.recentProgress[0].sources[0].metrics?["backlogBytes"] == String(sizes[1] + sizes[2]))
        let e = Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect(e.value("sluice_query_backlog_files", ["query": "backlog"]) == 0)
    }

    @Test func aFailureIsCounted() throws {
        let dir = try TestEnvironment.scratch("metrics-failure")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        try EventFiles.write(input, "bad.jsonl", minutes: [0], extra: ["{"])
        let session = StreamingSession()
        let metrics = ServiceMetrics()
        session.streams.addListener(metrics.listener)
        let query = try session.readStream.format(.jsonLines).schema(EventFiles.schema).option(.mode(.failFast)).load(input)
            .writeStream.format(.memory("metrics_failure")).queryName("failing").start()
        #expect(throws: (any Error).self) { try query.awaitTermination() }
        let e = Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect(e.value("sluice_query_failures_total", ["query": "failing"]) == 1)
    }
}
