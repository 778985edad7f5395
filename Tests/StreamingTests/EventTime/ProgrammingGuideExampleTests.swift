import Foundation
import Testing

@testable import Streaming

/// The word-count example of Spark's programming guide ("Handling Late Data and Watermarking"):
/// 10-minute windows sliding every 5 minutes, 10-minute watermark, triggers at 12:10, 12:15,
/// 12:20 and 12:25. Spark since 3.4 drops a row as late against the *previous* batch's watermark
/// and evicts against the current one, so the outcome depends on batch boundaries; both
/// boundary patterns are checked.
@Suite struct ProgrammingGuideExampleTests {
    /// Minutes after 12:00 as seconds since the epoch base used here.
    static func t(_ minute: Int64) -> Int64 { 43_200 + minute * 60 }

    static let triggers: [[(String, Int64, Int64?)]] = [
        [("dog", t(7), 1), ("owl", t(8), 1)],
        [("dog", t(14), 1), ("cat", t(9), 1)],
        [("cat", t(15), 1), ("dog", t(8), 1), ("owl", t(13), 1), ("owl", t(21), 1)],
        [("owl", t(17), 1), ("donkey", t(4), 1)],
    ]

    static func query(_ s: DataStream) -> DataStream {
        s.withWatermark("ts", delay: .minutes(10))
            .groupBy(window(col("ts"), .minutes(10), slide: .minutes(5)), col("key")).count()
    }

    /// Rows as (window start minute, window end minute, word, count).
    static func readable(_ rows: [[Value]]) -> [String] {
        rows.map { r in
            guard case .timestamp(let s) = r[0], case .timestamp(let e) = r[1], case .string(let w) = r[2], case .int64(let c) = r[3]
            else { return "?" }
            return "\(s / 1_000_000 / 60 - 720)-\(e / 1_000_000 / 60 - 720) \(w) \(c)"
        }
    }

    /// The four triggers as four consecutive batches, as when each trigger finds new data.
    func runAsBacklog(_ mode: OutputMode) throws -> [(Int64, [String])] {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        for (i, rows) in Self.triggers.enumerated() {
            let text = rows.map { #"{"key":"\#($0.0)","ts":"\#(Timestamps.format($0.1 * 1_000_000))"}"# }.joined(separator: "\n")
            try DurableFile.writeNew(dir.sub("in", "\(i).jsonl"), Array(text.utf8))
        }
        let delivered = Delivered()
        try Self.query(StreamingSession().readStream.schema(StreamHarness.schema).option(.maxFilesPerTrigger(1)).load(dir.sub("in")))
            .writeStream.foreachBatch { id, b in delivered.append(id, b.rows) }.outputMode(mode)
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        return delivered.all.map { ($0.0, Self.readable($0.1)) }
    }

    @Test func updateModeWithOneBatchPerTrigger() throws {
        let out = try runAsBacklog(.update)
        #expect(out.map(\.0) == [0, 1, 2, 3])
        #expect(out[0].1 == ["0-10 dog 1", "0-10 owl 1", "5-15 dog 1", "5-15 owl 1"])
        #expect(out[1].1 == ["0-10 cat 1", "5-15 cat 1", "5-15 dog 2", "10-20 dog 1"])
        #expect(out[2].1 == ["0-10 dog 2", "5-15 dog 3", "5-15 owl 2", "10-20 cat 1", "10-20 owl 1", "15-25 cat 1", "15-25 owl 1", "20-30 owl 1"])
        // (12:04, donkey) is not late against the previous batch's watermark (12:04): counted.
        #expect(out[3].1 == ["-5-5 donkey 1", "0-10 donkey 1", "10-20 owl 2", "15-25 owl 2"])
    }

    @Test func appendModeWithOneBatchPerTrigger() throws {
        let out = try runAsBacklog(.append)
        #expect(out.prefix(3).allSatisfy { $0.1.isEmpty })
        #expect(out[3].1 == ["-5-5 donkey 1", "0-10 cat 1", "0-10 dog 2", "0-10 donkey 1", "0-10 owl 1"])
    }

    /// As in Spark's test harness: after each batch a no-data batch lets the new watermark act.
    @Test func appendModeWithNoDataBatchesBetweenTriggers() throws {
        let h = try StreamHarness(mode: .append, Self.query)
        for rows in Self.triggers.prefix(2) {
            try h.add(rows)
            #expect(h.newRows().isEmpty)
        }
        try h.add(Self.triggers[2])
        // The no-data batch after 12:20 raises the watermark to 12:11 and finalises [12:00, 12:10).
        #expect(Self.readable(h.newRows()) == ["0-10 cat 1", "0-10 dog 2", "0-10 owl 1"])
        try h.add(Self.triggers[3])
        #expect(h.newRows().isEmpty)
        // (12:04, donkey) falls in windows ending 12:05 and 12:10, at or before 12:11: dropped.
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 2)
    }

    @Test func updateModeWithNoDataBatchesBetweenTriggers() throws {
        let h = try StreamHarness(mode: .update, Self.query)
        for rows in Self.triggers.prefix(3) { try h.add(rows) }
        _ = h.newRows()
        try h.add(Self.triggers[3])
        #expect(Self.readable(h.newRows()) == ["10-20 owl 2", "15-25 owl 2"])
    }
}
