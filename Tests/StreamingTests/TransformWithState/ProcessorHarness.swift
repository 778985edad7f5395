import Foundation
import Synchronization
import Testing

@testable import Streaming

/// Spark's `StreamManualClock`: batch timestamps come from here, moved only by the test.
final class ManualClock: Sendable {
    private let millis = Mutex<Int64>(0)
    var nowMs: Int64 { millis.withLock { $0 } }
    func advance(seconds: Int64) { millis.withLock { $0 += seconds * 1000 } }
    var date: Date { Date(timeIntervalSince1970: Double(nowMs) / 1000) }
}

/// `testStream` for `transformWithState`: rows `(key, event time s, value)` go in as one file per
/// `add` (one batch); the query runs on a manual clock and can be stopped and restarted on the
/// same checkpoint. `newRows()` is Spark's `CheckNewAnswer`.
final class ProcessorHarness: @unchecked Sendable {
    static let schema = StreamHarness.schema

    let dir = TempDir("tws")
    let clock = ManualClock()
    private var fileCount = 0
    private var query: StreamingQuery?
    private let batches = Delivered()
    private var seen = 0
    var build: @Sendable (DataStream) -> DataStream
    let mode: OutputMode

    init(mode: OutputMode = .update, _ build: @escaping @Sendable (DataStream) -> DataStream) throws {
        self.mode = mode
        self.build = build
        try FileSystem.createDirectory(dir.sub("in"))
    }

    deinit { query?.stop() }

    func start() throws {
        let stream = build(try StreamingSession().readStream.schema(Self.schema).load(dir.sub("in")))
        let batches = self.batches
        let clock = self.clock
        query = try stream.writeStream
            .foreachBatch { id, b in batches.append(id, b.rows) }
            .outputMode(mode).checkpointLocation(dir.sub("cp")).trigger(.processingTime(.milliseconds(10)))
            .processingClock { clock.date }
            .start()
        try settle()
    }

    func stop() {
        query?.stop()
        try? query?.awaitTermination()
        query = nil
    }

    var q: StreamingQuery { query! }

    /// Waits until the query has run every batch there is (data, a moved watermark, due timers).
    func settle() throws {
        try q.processAllAvailable()
        try q.processAllAvailable()
    }

    /// One batch of rows `(key, event time in seconds, value)`.
    func add(_ rows: [(String, Int64, Int64?)]) throws {
        if query == nil { try start() }
        let lines = rows.map { r in
            #"{"key":"\#(r.0)","ts":"\#(Timestamps.format(r.1 * 1_000_000))","value":\#(r.2.map(String.init) ?? "null")}"#
        }
        let name = String(format: "%05d.jsonl", fileCount)
        fileCount += 1
        try DurableFile.writeNew(dir.sub("in", "." + name), Array((lines.joined(separator: "\n") + "\n").utf8))
        try FileSystem.rename(dir.sub("in", "." + name), dir.sub("in", name))
        try settle()
    }

    /// One batch of keys, each with event time 0 and value 1 (Spark's `AddData(inputData, "a", "b")`).
    func add(keys: String...) throws { try add(keys.map { ($0, 0, 1) }) }

    /// Moves the clock, then lets the query run what became due.
    func advance(seconds: Int64) throws {
        clock.advance(seconds: seconds)
        if query != nil { try settle() }
    }

    /// Rows delivered since the last call, in delivery order, as text.
    func newRows() -> [String] {
        let all = batches.all.flatMap(\.1)
        defer { seen = all.count }
        return all[seen...].map { $0.map(\.description).joined(separator: ",") }
    }

    /// Every batch delivered: (batch id, rows).
    var delivered: [(Int64, [[Value]])] { batches.all }
}
