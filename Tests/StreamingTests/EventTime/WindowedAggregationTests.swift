import Foundation
import Testing

@testable import Streaming

/// Spark's EventTimeWatermarkSuite, transcribed: 10 s watermark delay, 5 s tumbling windows,
/// count per window; each `add` is one micro-batch, checked like `CheckNewAnswer`.
@Suite struct WindowedAggregationTests {
    static func windowedCount(_ s: DataStream) -> DataStream {
        s.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(5))).count()
    }

    @Test func appendModeEmitsEachWindowOnceWhenTheWatermarkPassesItsEnd() throws {
        let h = try StreamHarness(mode: .append, Self.windowedCount)
        try h.add(times: 10, 11, 12, 13, 14, 15)
        #expect(h.newRows().isEmpty)
        try h.add(times: 25)
        #expect(startAndCount(h.newRows()) == [[10, 5]])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 2)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 0)
        try h.add(times: 10)
        #expect(h.newRows().isEmpty)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsTotal == 2)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 1)
    }

    @Test func updateModeEmitsEveryGroupTheBatchTouched() throws {
        let h = try StreamHarness(mode: .update, Self.windowedCount)
        try h.add(times: 10, 11, 12, 13, 14, 15)
        #expect(startAndCount(h.newRows()) == [[10, 5], [15, 1]])
        try h.add(times: 25)
        #expect(startAndCount(h.newRows()) == [[25, 1]])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 2)
        try h.add(times: 10, 25)
        #expect(startAndCount(h.newRows()) == [[25, 2]])
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 1)
        try h.add(times: 10)
        #expect(h.newRows().isEmpty)
    }

    @Test func completeModeNeverDropsOrEvicts() throws {
        let h = try StreamHarness(mode: .complete, Self.windowedCount)
        func last() -> [[Int64]] { startAndCount(h.delivered.last!.1) }
        try h.add(times: 10, 11, 12)
        #expect(last() == [[10, 3]])
        try h.add(times: 25)
        #expect(last() == [[10, 3], [25, 1]])
        try h.add(times: 25)
        #expect(last() == [[10, 3], [25, 2]])
        try h.add(times: 10)
        #expect(last() == [[10, 4], [25, 2]])
        try h.add(times: 25)
        #expect(last() == [[10, 4], [25, 3]])
    }

    @Test func groupByTheRawEventTimeColumn() throws {
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(10)).groupBy(col("ts")).count() }
        try h.add(times: 10)
        #expect(h.newRows().isEmpty)
        try h.add(times: 25)
        #expect(startAndCount(h.newRows()) == [[10, 1]])
    }

    @Test func eventTimeStatisticsAndWatermarkInProgress() throws {
        let h = try StreamHarness(mode: .append, Self.windowedCount)
        try h.add(times: 15)
        var p = try #require(h.lastProgressWithData)
        #expect(p.eventTime["min"] == Timestamps.formatMillis(15_000_000) && p.eventTime["max"] == Timestamps.formatMillis(15_000_000))
        #expect(p.eventTime["watermark"] == Timestamps.formatMillis(0))
        try h.add(times: 10, 12, 14)
        p = try #require(h.lastProgressWithData)
        #expect(p.eventTime["min"] == Timestamps.formatMillis(10_000_000) && p.eventTime["max"] == Timestamps.formatMillis(14_000_000))
        #expect(p.eventTime["avg"] == Timestamps.formatMillis(12_000_000))
        #expect(p.eventTime["watermark"] == Timestamps.formatMillis(5_000_000))
        try h.add(times: 25)
        #expect(startAndCount(h.newRows()) == [[10, 3]])
    }

    @Test func slidingWindowsCountARowInEveryWindowCoveringIt() throws {
        let h = try StreamHarness(mode: .update) { s in
            s.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(10), slide: .seconds(5))).count()
        }
        try h.add(times: 7, 12)
        // 7 → [0,10) and [5,15); 12 → [5,15) and [10,20).
        #expect(startAndCount(h.newRows()) == [[0, 1], [5, 2], [10, 1]])
        let rows = h.delivered.first!.1
        #expect(rows[0][1] == ts(10))
    }

    @Test func everyAggregateFunctionWithNullKeysAndValues() throws {
        let h = try StreamHarness(mode: .complete) { s in
            s.groupBy("key").agg(
                count(), count(col("value")).as("n"), sum(col("value")).as("s"), min(col("value")).as("lo"),
                max(col("value")).as("hi"), avg(col("value")).as("mean"), approxCountDistinct(col("value")).as("distinct"),
                max(col("ts")).as("latest"), min(col("key")).as("firstKey"))
        }
        try h.add([("a", 1, 5), ("a", 2, nil), ("b", 3, 7)])
        try h.add([("a", 4, 1), ("z", 5, nil)])
        let rows = h.delivered.last!.1
        let a = try #require(rows.first { $0[0] == .string("a") })
        #expect(Array(a[1...]) == [.int64(3), .int64(2), .int64(6), .int64(1), .int64(5), .double(3), .int64(2), ts(4), .string("a")])
        let allNull = try #require(rows.first { $0[0] == .string("z") })
        #expect(Array(allNull[1...7]) == [.int64(1), .int64(0), .null, .null, .null, .null, .int64(0)])
    }

    @Test func nullGroupingKeysFormTheirOwnGroup() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try DurableFile.writeNew(dir.sub("in", "a.jsonl"), Array(#"{"key":"x"}\#n{"key":null}\#n{}\#n{"key":"x"}\#n"#.utf8))
        let sink = MemorySink(name: "nullkeys-\(UUID())")
        try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
            .groupBy("key").count().writeStream.format(.custom(sink)).outputMode(.complete)
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(sink.rows == [[.null, .int64(2)], [.string("x"), .int64(2)]])
    }

    @Test func approximateDistinctCountIsWithinItsErrorBound() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let lines = (0..<20_000).map { #"{"key":"k","value":\#($0 % 5000)}"# }.joined(separator: "\n")
        try DurableFile.writeNew(dir.sub("in", "a.jsonl"), Array(lines.utf8))
        let sink = MemorySink(name: "hll-\(UUID())")
        try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
            .groupBy("key").agg(approxCountDistinct(col("value")).as("d")).writeStream.format(.custom(sink)).outputMode(.complete)
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        guard case .int64(let d) = sink.rows[0][1] else { Issue.record("no estimate"); return }
        // Standard error is 1.04 / sqrt(512) = 4.6 %; allow three of them.
        #expect(abs(Double(d) - 5000) / 5000 < 0.14, "estimate \(d)")
    }

    @Test func lateRowsCanBeRoutedToTheirOwnSink() throws {
        let dir = TempDir()
        let late = MemorySink(name: "late-\(UUID())")
        let out = MemorySink(name: "ontime-\(UUID())")
        for (i, t) in [[30], [31], [12, 32]].enumerated() {
            try DurableFile.writeNew(dir.sub("f\(i).jsonl"), Array(t.map { #"{"key":"k","ts":"\#(Timestamps.format(Int64($0) * 1_000_000))"}"# }.joined(separator: "\n").utf8))
        }
        try FileSystem.createDirectory(dir.sub("in"))
        for i in 0..<3 { try FileSystem.rename(dir.sub("f\(i).jsonl"), dir.sub("in", "f\(i).jsonl")) }
        try StreamingSession().readStream.schema(StreamHarness.schema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .withWatermark("ts", delay: .seconds(5)).groupBy(window(col("ts"), .seconds(5))).count()
            .writeStream.format(.custom(out)).lateRows(to: late).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        // Batch 2 drops rows at or before batch 1's watermark (30 - 5 = 25 s): the row at 12 s.
        #expect(late.rows.map { $0[1] } == [ts(12)])
        #expect(late.appliedBatchIds == [2])
        #expect(!out.rows.contains { $0[0] == ts(10) })
    }
}
