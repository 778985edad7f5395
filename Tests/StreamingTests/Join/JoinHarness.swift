import Foundation
import Testing

@testable import Streaming

/// Spark's `testStream` with two `MemoryStream`s, in miniature: each `add` writes one file per
/// input that gets rows and runs the query to the end of what is available (`availableNow`,
/// so both files land in the same micro-batch, like Spark's `MultiAddData`, and a no-data batch
/// follows when the watermark moved). Every step starts the query anew from its checkpoint, so
/// every step also proves the join's state survives a restart.
final class JoinHarness: @unchecked Sendable {
    /// Each input row: an integer key and an event time in seconds (Spark's tests use
    /// `timestamp_seconds(value)`).
    static let schema = Schema([Field("key", .int64), Field("time", .timestamp)])

    let dir = TempDir("join")
    private var files = 0
    private let batches = Delivered()
    private var seen = 0
    let mode: OutputMode
    let policy: WatermarkPolicy
    let build: @Sendable (DataStream, DataStream) -> DataStream
    private(set) var lastRun: StreamingQuery?

    init(mode: OutputMode = .append, policy: WatermarkPolicy = .min, _ build: @escaping @Sendable (DataStream, DataStream) -> DataStream) throws {
        self.mode = mode
        self.policy = policy
        self.build = build
        try FileSystem.createDirectory(dir.sub("left"))
        try FileSystem.createDirectory(dir.sub("right"))
    }

    /// The query over both inputs, not started.
    func stream() throws -> DataStream {
        let session = StreamingSession()
        return build(
            try session.readStream.schema(Self.schema).load(dir.sub("left")),
            try session.readStream.schema(Self.schema).load(dir.sub("right")))
    }

    /// Adds `(key, seconds)` rows to either input (an empty list adds no file) and runs.
    func add(left: [(Int64?, Int64?)] = [], right: [(Int64?, Int64?)] = [], fault: FaultHook? = nil) throws {
        try write("left", left)
        try write("right", right)
        try run(fault: fault)
    }

    /// Rows whose key is also their time, as Spark's suites add them (`AddData(input, 1, 2)`).
    func add(left: [Int64] = [], right: [Int64] = [], fault: FaultHook? = nil) throws {
        try add(left: left.map { ($0, $0) }, right: right.map { ($0, $0) }, fault: fault)
    }

    /// Runs the query over what is available; a fault hook's failure is thrown.
    func run(fault: FaultHook? = nil) throws {
        let batches = self.batches
        var w = try stream().writeStream.foreachBatch { id, b in batches.append(id, b.rows) }
            .outputMode(mode).watermarkPolicy(policy).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
        if let fault { w = w.faultInjection(fault) }
        let q = try w.start()
        lastRun = q
        try q.awaitTermination()
    }

    private func write(_ side: String, _ rows: [(Int64?, Int64?)]) throws {
        guard !rows.isEmpty else { return }
        let lines = rows.map { r in
            #"{"key":\#(r.0.map(String.init) ?? "null"),"time":\#(r.1.map { "\"\(Timestamps.format($0 * 1_000_000))\"" } ?? "null")}"#
        }
        let name = String(format: "%05d.jsonl", files)
        files += 1
        try DurableFile.writeNew(dir.sub(side, "." + name), Array((lines.joined(separator: "\n") + "\n").utf8))
        try FileSystem.rename(dir.sub(side, "." + name), dir.sub(side, name))
    }

    /// Rows delivered since the last call, each value as an integer (timestamps in seconds,
    /// nil for null), sorted: the order of a batch's rows is not part of the contract.
    func newRows() -> [[Int64?]] {
        let all = batches.all.flatMap(\.1)
        defer { seen = all.count }
        return all[seen...].map { $0.map(Self.integer) }.sorted { a, b in
            a.lexicographicallyPrecedes(b) { ($0 ?? .min) < ($1 ?? .min) }
        }
    }

    /// Every row delivered, each batch id counted once (its last delivery: `foreachBatch` gets
    /// a batch again when a failure came after the sink and before `commits/N`), sorted.
    func rowsOncePerBatch() -> [[Int64?]] {
        var last: [Int64: [[Value]]] = [:]
        for (id, rows) in batches.all { last[id] = rows }
        return last.values.flatMap { $0 }.map { $0.map(Self.integer) }.sorted { a, b in
            a.lexicographicallyPrecedes(b) { ($0 ?? .min) < ($1 ?? .min) }
        }
    }

    static func integer(_ v: Value) -> Int64? {
        switch v {
        case .int64(let x): return x
        case .timestamp(let t): return t / 1_000_000
        case .null: return nil
        default: return -999_999
        }
    }

    /// The join's state metrics over the last run's batches: rows in state after its last
    /// batch, rows updated and dropped as late summed over its batches.
    var state: (total: Int64, updated: Int64, dropped: Int64)? {
        guard let q = lastRun else { return nil }
        let ops = q.recentProgress.compactMap(\.stateOperators.first)
        guard let last = ops.last else { return nil }
        return (last.numRowsTotal, ops.map(\.numRowsUpdated).reduce(0, +), ops.map(\.numRowsDroppedByWatermark).reduce(0, +))
    }

    /// The watermark the last batch of the last run ran with, in seconds.
    var watermarkSeconds: Int64? {
        guard let w = lastRun?.lastProgress?.eventTime["watermark"], let micros = Timestamps.parseISO8601(w) else { return nil }
        return micros / 1_000_000
    }
}

/// `(key, time)` inputs as Spark's join suites shape them: `leftKey`/`rightKey`,
/// `leftTime`/`rightTime`, and a value of key × 2 (left) or × 3 (right).
extension DataStream {
    func joinSide(_ side: String, factor: Int64, watermark: Duration?) -> DataStream {
        let s = select(col("key").as("\(side)Key"), col("time").as("\(side)Time"), (col("key") * lit(.int64(factor))).as("\(side)Value"))
        return watermark.map { s.withWatermark("\(side)Time", delay: $0) } ?? s
    }
}
