import Columnar
import Formats

/// What a sink knows about the query that feeds it.
public struct SinkContext: Sendable {
    /// The query's id, stable across restarts (the checkpoint's id).
    public let queryId: String
    public let queryName: String?
    public let outputMode: OutputMode
    /// Schema of every batch this sink will receive.
    public let schema: Schema
    /// Where a sink records the steps of writing a batch, for crash testing (see `PhaseTrace`);
    /// nil unless the query runs with `SLUICE_TRACE_PHASES`.
    public let phaseTrace: PhaseTrace?

    public init(queryId: String, queryName: String?, outputMode: OutputMode, schema: Schema, phaseTrace: PhaseTrace? = nil) {
        self.queryId = queryId
        self.queryName = queryName
        self.outputMode = outputMode
        self.schema = schema
        self.phaseTrace = phaseTrace
    }
}

/// What a sink can tell about the batches of one query it holds.
public enum AppliedBatches: Sendable, Equatable, CustomStringConvertible {
    /// The sink cannot tell (console, foreachBatch, most custom sinks): the engine does not
    /// cross-check it with the checkpoint at start.
    case unknown
    /// The sink holds no batch of this query (a table that does not exist, or was never written by it).
    case none
    /// The last batch id of this query the sink has applied.
    case through(Int64)

    /// The last applied batch id, -1 for none, nil if unknown.
    public var lastBatchId: Int64? {
        switch self {
        case .unknown: return nil
        case .none: return -1
        case .through(let id): return id
        }
    }

    public var description: String {
        switch self {
        case .unknown: return "unknown"
        case .none: return "no batch"
        case .through(let id): return "batch \(id)"
        }
    }
}

/// What the engine tells a sink about the batch it hands over, beyond the rows.
public struct SinkBatchInfo: Sendable, Equatable {
    /// Each source's end offset for the batch (its JSON, "-" for a source without data yet), as
    /// in `offsets/N`; a sink may record them so an operator can match its contents to a checkpoint.
    public var endOffsets: [String]
    /// The watermark the batch ran with (UTC µs; nil when the query has none). Windows that end
    /// at or before it are final; a sink may record it so readers can tell which rows may still change.
    public var watermarkMicros: Int64?

    public init(endOffsets: [String], watermarkMicros: Int64? = nil) {
        self.endOffsets = endOffsets
        self.watermarkMicros = watermarkMicros
    }
}

/// The destination of a streaming query.
///
/// The engine calls `addBatch` with increasing batch ids and may call it again with the id of a
/// batch whose `commits/N` was not written before a crash. A sink must therefore apply each
/// batch id at most once: that, plus the replay of uncommitted batches, is exactly-once.
///
/// A sink that keeps its batches durably should also report the last batch it applied
/// (`lastAppliedBatch`): at start the engine compares it with the checkpoint, re-applies
/// batches the sink lost and refuses to run on a checkpoint older than the sink.
public protocol Sink: AnyObject, Sendable {
    /// A short description for progress reports (`MemorySink[name]`).
    var description: String { get }

    /// Refuses a query this sink cannot take (its output mode or schema), reading but writing
    /// nothing: `start()` calls it before it creates or touches the checkpoint.
    func check(outputMode: OutputMode, schema: Schema) throws

    /// Called once before the first batch of a run, with the query's context.
    func open(_ context: SinkContext) throws

    /// Applies batch `batchId`, unless this sink has already applied it.
    func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws

    /// Like `addBatch(_:_:)`, with what the engine knows about the batch; the engine calls this one.
    func addBatch(_ batchId: Int64, _ batch: RecordBatch, info: SinkBatchInfo) throws

    /// The last batch of the query given to `open` that the sink holds, as the sink's own
    /// storage says now (called after `open`). `.unknown` exempts the sink from the check.
    func lastAppliedBatch() throws -> AppliedBatches

    /// Where the sink keeps batch `batchId` of this query, for error messages (e.g. "table
    /// version 9, end offsets [...]"); nil if the sink cannot tell.
    func describeAppliedBatch(_ batchId: Int64) throws -> String?
}

extension Sink {
    public func check(outputMode: OutputMode, schema: Schema) throws {}
    public func open(_ context: SinkContext) throws {}

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch, info: SinkBatchInfo) throws {
        try addBatch(batchId, batch)
    }

    public func lastAppliedBatch() throws -> AppliedBatches { .unknown }

    public func describeAppliedBatch(_ batchId: Int64) throws -> String? { nil }
}
