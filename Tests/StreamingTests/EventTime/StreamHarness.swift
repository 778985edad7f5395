import Foundation
import Synchronization
import Testing

@testable import Streaming

/// Spark's `testStream` in miniature: every `add` is one new file = one micro-batch, followed by
/// `processAllAvailable()`, which also runs the no-data batch a moved watermark calls for.
/// `newRows()` returns what the sink received since the last call, like `CheckNewAnswer`.
final class StreamHarness: @unchecked Sendable {
    static let schema = Schema([Field("key", .string), Field("ts", .timestamp), Field("value", .int64)])

    let dir = TempDir("harness")
    private var fileCount = 0
    private var query: StreamingQuery?
    private let batches = Delivered()
    private var seen = 0
    let build: @Sendable (DataStream) -> DataStream
    let mode: OutputMode

    init(mode: OutputMode, _ build: @escaping @Sendable (DataStream) -> DataStream) throws {
        self.mode = mode
        self.build = build
        try FileSystem.createDirectory(dir.sub("in"))
    }

    deinit { query?.stop() }

    func start() throws {
        let stream = build(try StreamingSession().readStream.schema(Self.schema).load(dir.sub("in")))
        let batches = self.batches
        query = try stream.writeStream
            .foreachBatch { id, b in batches.append(id, b.rows) }
            .outputMode(mode).checkpointLocation(dir.sub("cp")).trigger(.processingTime(.milliseconds(10))).start()
        try query!.processAllAvailable()
    }

    func stop() {
        query?.stop()
        query = nil
    }

    var q: StreamingQuery { query! }

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
        try q.processAllAvailable()
        try q.processAllAvailable()
    }

    /// Rows of event times only, with key "k".
    func add(times: Int64...) throws { try add(times.map { ("k", $0, 1) }) }

    /// Rows delivered since the last call, in delivery order.
    func newRows() -> [[Value]] {
        let all = batches.all.flatMap(\.1)
        defer { seen = all.count }
        return Array(all[seen...])
    }

    /// Every batch delivered: (batch id, rows).
    var delivered: [(Int64, [[Value]])] { batches.all }

    /// The last progress that had input rows, as Spark's test helpers read it.
    var lastProgressWithData: StreamingQueryProgress? { q.recentProgress.last { $0.numInputRows > 0 } }
}

/// Seconds as a timestamp value.
func ts(_ seconds: Int64) -> Value { .timestamp(seconds * 1_000_000) }

/// (window start seconds, count) pairs from rows whose first column is the window start and last the count.
func startAndCount(_ rows: [[Value]]) -> [[Int64]] {
    rows.map { r in
        guard case .timestamp(let s) = r[0], case .int64(let c) = r[r.count - 1] else { return [] }
        return [s / 1_000_000, c]
    }
}

/// Batches a foreachBatch closure received, shared with the test thread.
final class Delivered: @unchecked Sendable {
    private let lock = NSLock()
    private var batches: [(Int64, [[Value]])] = []
    func append(_ id: Int64, _ rows: [[Value]]) { lock.withLock { batches.append((id, rows)) } }
    var all: [(Int64, [[Value]])] { lock.withLock { batches } }
}
