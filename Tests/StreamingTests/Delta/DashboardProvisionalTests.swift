import Foundation
import Testing

@testable import Streaming

/// A chart over an update-mode aggregate: the Delta sink records each batch's watermark in its
/// commit, and the dashboard marks the buckets whose windows end after it as provisional. Those
/// buckets are shown with their current counts and may still change; the final ones never do.
@Suite struct DashboardProvisionalTests {
    static let schema = Schema([Field("ts", .timestamp), Field("service", .string)])

    static func at(_ minute: Int, _ second: Int) -> Int64 {
        Timestamps.make(year: 2026, month: 11, day: 20, hour: 10, minute: minute) + Int64(second) * 1_000_000
    }

    static func write(_ dir: String, _ name: String, _ events: [(Int64, String)]) throws {
        let text = events.map { #"{"ts":"\#(Timestamps.format($0.0))","service":"\#($0.1)"}"# }.joined(separator: "\n") + "\n"
        try DurableFile.writeNew(FilePaths.join(dir, "." + name), Array(text.utf8))
        try FileSystem.rename(FilePaths.join(dir, "." + name), FilePaths.join(dir, name))
    }

    func run(_ dir: TempDir) throws -> StreamingQuery {
        let q = try StreamingSession().readStream.schema(Self.schema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .withWatermark("ts", delay: .minutes(2))
            .groupBy(window(col("ts"), .minutes(1)), col("service"))
            .agg(count().as("errors"))
            .withColumn("date", toDate(col("window_start")))
            .writeStream.format(.delta(dir.sub("live"), partitionBy: ["date"], mergeKeys: ["date", "window_start", "service"]))
            .outputMode(.update).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        return q
    }

    @Test func openWindowsAreShownMarkedProvisionalAndOnlyTheyChangeLater() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try Self.write(dir.sub("in"), "0.jsonl", [(Self.at(0, 10), "a"), (Self.at(0, 30), "b"), (Self.at(1, 20), "a")])
        try Self.write(dir.sub("in"), "1.jsonl", [(Self.at(3, 5), "a"), (Self.at(4, 50), "b"), (Self.at(4, 55), "b")])
        let q = try run(dir)
        // Max event time 10:04:55, delay 2 min: the last batch ran with watermark 10:02:55.
        #expect(q.lastProgress?.eventTime["watermark"] == Timestamps.formatMillis(Self.at(2, 55)))

        let chart = Dashboard(
            name: "errors", table: dir.sub("live"), timeColumn: "window_start", measure: .sum("errors"), seriesKey: "service",
            bucketMicros: Timestamps.microsPerMinute)
        let first = try chart.series(from: Self.at(0, 0), to: Self.at(6, 0), timeZone: "Europe/Paris")
        #expect(first.watermark == Timestamps.format(Self.at(2, 55)))
        // Buckets 10:00 and 10:01 end by 10:02:55 and are final; 10:02 ends at 10:03, after it.
        #expect(first.firstProvisionalBucket == 2)
        #expect(first.labels.first == "2026-11-20 11:00")
        #expect(first.series.map(\.key) == ["a", "b"])
        #expect(first.series.map(\.values) == [[1, 1, nil, 1, nil, nil], [1, nil, nil, nil, 2, nil]] as [[Double?]])

        // A late event for 10:01 is dropped; one for the open 10:03 window updates it.
        try Self.write(dir.sub("in"), "2.jsonl", [(Self.at(1, 40), "a"), (Self.at(3, 30), "a")])
        _ = try run(dir)
        let second = try chart.series(from: Self.at(0, 0), to: Self.at(6, 0), timeZone: "Europe/Paris")
        #expect(second.tableVersion > first.tableVersion)
        #expect(second.series[0].values == [1, 1, nil, 2, nil, nil])
        #expect(Array(second.series[0].values[..<2]) == Array(first.series[0].values[..<2]), "a final bucket changed")
    }

    @Test func aTableWithoutAWatermarkHasNoProvisionalBuckets() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try Self.write(dir.sub("in"), "0.jsonl", [(Self.at(0, 10), "a"), (Self.at(5, 0), "b")])
        try StreamingSession().readStream.schema(Self.schema).load(dir.sub("in"))
            .writeStream.format(.delta(dir.sub("raw"))).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        let chart = Dashboard(name: "raw", table: dir.sub("raw"), timeColumn: "ts", seriesKey: "service")
        let s = try chart.series(from: Self.at(0, 0), to: Self.at(6, 0), timeZone: "UTC")
        #expect(s.watermark == nil && s.firstProvisionalBucket == nil)
        #expect(s.series.map { $0.values.compactMap { $0 }.reduce(0, +) } == [1, 1])
    }
}
