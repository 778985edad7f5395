import Columnar
import Formats

/// How a query's result reaches its sink, as Spark defines the three modes.
public enum OutputMode: String, Sendable, Codable, CustomStringConvertible {
    /// Only new rows; for aggregations, each window once, after the watermark passes its end.
    case append
    /// The rows of the result that changed in this batch.
    case update
    /// The whole result table, every batch.
    case complete

    public var description: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

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

/// The destination of a streaming query.
///
/// The engine calls `addBatch` with increasing batch ids and may call it again with the id of a
/// batch whose `commits/N` was not written before a crash. A sink must therefore apply each
/// batch id at most once: that, plus the replay of uncommitted batches, is exactly-once.
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
}

extension Sink {
    public func check(outputMode: OutputMode, schema: Schema) throws {}
    public func open(_ context: SinkContext) throws {}
}
