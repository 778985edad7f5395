import Foundation
import Testing

@testable import Streaming

/// Progress records read as Spark's: timestamps `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` in UTC
/// (ProgressReporter.formatTimestamp) for `timestamp` and every `eventTime` entry, and event-time
/// statistics in whole milliseconds that count a null event time as 1970-01-01, as
/// EventTimeStatsAccum does (EventTimeWatermarkExec reads a null as 0).
@Suite struct ProgressFormatTests {
    static let schema = Schema([Field("ts", .timestamp)])

    func collector(_ times: [Int64?]) throws -> EventTimeStats {
        let batch = try RecordBatch.fromRows(times.map { [$0.map { .timestamp($0) } ?? .null] }, schema: Self.schema)
        return try EventTimeStats.measure(batch, column: "ts", cutoff: .max)
    }

    @Test func statisticsAreWholeMillisecondsFormattedLikeSpark() throws {
        // 10:15:00.000999 and 10:15:01.500000: Spark truncates each to ms before it averages.
        let base: Int64 = 1_704_104_100_000_000  // 2024-01-01T10:15:00Z
        let c = try collector([base + 999, base + 1_500_000])
        let map = EventTimeProgress.map([c], batchWatermarkMicros: base - 10_000_000)
        #expect(map["min"] == "2024-01-01T10:15:00.000Z")
        #expect(map["max"] == "2024-01-01T10:15:01.500Z")
        #expect(map["avg"] == "2024-01-01T10:15:00.750Z")
        #expect(map["watermark"] == "2024-01-01T10:14:50.000Z")
    }

    @Test func nullEventTimesCountAs1970() throws {
        let base: Int64 = 1_704_104_100_000_000
        let c = try collector([base, nil])
        let map = EventTimeProgress.map([c], batchWatermarkMicros: 0)
        #expect(map["min"] == "1970-01-01T00:00:00.000Z")
        #expect(map["max"] == "2024-01-01T10:15:00.000Z")
        // (1704104100000 + 0) / 2 ms.
        #expect(map["avg"] == "1996-12-31T17:07:30.000Z")
        #expect(map["watermark"] == "1970-01-01T00:00:00.000Z")
        // The watermark still moves only with real event times.
        #expect(c.count == 1 && c.max == base && c.nullCount == 1)

        let onlyNulls = try collector([nil, nil])
        let nullMap = EventTimeProgress.map([onlyNulls], batchWatermarkMicros: nil)
        #expect(nullMap == ["min": "1970-01-01T00:00:00.000Z", "max": "1970-01-01T00:00:00.000Z", "avg": "1970-01-01T00:00:00.000Z"])
    }

    @Test func noRowsLeavesOnlyTheWatermark() throws {
        let c = try collector([])
        #expect(EventTimeProgress.map([c], batchWatermarkMicros: 5_000_000) == ["watermark": "1970-01-01T00:00:05.000Z"])
        #expect(EventTimeProgress.map([c], batchWatermarkMicros: nil).isEmpty)
    }

    @Test func aQuerysProgressCarriesSparksTimestampFormat() throws {
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(5))).count() }
        try h.start()
        let line = #"{"key":"k","ts":null,"value":1}"# + "\n" + #"{"key":"k","ts":"1970-01-01T00:00:20.250Z","value":1}"# + "\n"
        try DurableFile.writeNew(h.dir.sub("in", ".raw.tmp"), Array(line.utf8))
        try FileSystem.rename(h.dir.sub("in", ".raw.tmp"), h.dir.sub("in", "raw.jsonl"))
        try h.q.processAllAvailable()
        let p = try #require(h.lastProgressWithData)
        #expect(p.eventTime["min"] == "1970-01-01T00:00:00.000Z")
        #expect(p.eventTime["max"] == "1970-01-01T00:00:20.250Z")
        #expect(p.eventTime["avg"] == "1970-01-01T00:00:10.125Z")
        #expect(p.eventTime["watermark"] == "1970-01-01T00:00:00.000Z")
        let pattern = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/#
        #expect(p.timestamp.wholeMatch(of: pattern) != nil, "timestamp \(p.timestamp)")
    }
}
