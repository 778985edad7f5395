import Columnar

/// What a stateful operator needs to know about the batch it is running in.
public struct StatefulContext: Sendable {
    public var batchId: Int64
    /// Rows older than this (µs) are late and dropped: the watermark of the previous batch.
    public var watermarkForLateEvents: Int64?
    /// State older than this (µs) is final: emitted (append) and evicted. The batch's own watermark.
    public var watermarkForEviction: Int64?

    public init(batchId: Int64, watermarkForLateEvents: Int64?, watermarkForEviction: Int64?) {
        self.batchId = batchId
        self.watermarkForLateEvents = watermarkForLateEvents
        self.watermarkForEviction = watermarkForEviction
    }
}

/// Per-batch metrics of a stateful operator, for progress.
public struct StatefulOperatorMetrics: Sendable, Equatable {
    public var name: String
    public var numRowsTotal: Int64 = 0
    public var numRowsUpdated: Int64 = 0
    public var numRowsRemoved: Int64 = 0
    public var memoryUsedBytes: Int64 = 0
    public var numRowsDroppedByWatermark: Int64 = 0
}

/// What a stateful operator returns for one batch: nothing about a batch is kept in the
/// operator for the engine to read back afterwards.
public struct StatefulOutput: Sendable {
    /// The operator's output rows.
    public var rows: RecordBatch
    /// Input rows the batch dropped as late (same schema as the operator's input); nil if none.
    public var lateRows: RecordBatch?
    /// The batch's metrics, for progress.
    public var metrics: StatefulOperatorMetrics

    public init(rows: RecordBatch, lateRows: RecordBatch?, metrics: StatefulOperatorMetrics) {
        self.rows = rows
        self.lateRows = lateRows
        self.metrics = metrics
    }
}

/// An operator whose output depends on earlier batches, through a versioned state store.
///
/// Batch N loads state version N, and `commit()` writes version N+1, so re-running batch N after
/// a crash starts from exactly the state it saw the first time.
public protocol StatefulOperator: AnyObject, Sendable {
    var outputSchema: Schema { get }

    /// Runs one batch (possibly empty: a no-data batch that only lets the watermark act).
    func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput

    /// Makes the batch's state changes durable (state version N+1).
    func commit() throws

    /// True if a rising watermark can make this operator emit or evict, so the engine runs a
    /// batch without new data whenever the watermark moves (Spark's no-data batches).
    var reactsToWatermark: Bool { get }
}
