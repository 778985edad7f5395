import Columnar
import Synchronization

/// Hands every batch to a user closure together with its batch id: the hook for writing to
/// systems Sluice has no sink for. Make the closure idempotent by keying writes on the batch id,
/// because a batch is handed over again after a crash that happened before `commits/N`.
public final class ForeachBatchSink: Sink {
    public typealias Body = @Sendable (_ batchId: Int64, _ batch: RecordBatch) throws -> Void
    private let body: Body
    private let lastBatchId = Mutex<Int64>(-1)

    public init(_ body: @escaping Body) {
        self.body = body
    }

    public var description: String { "ForeachBatchSink" }

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws {
        // Within one process a batch id is delivered at most once; across restarts the
        // closure sees the replayed id and decides.
        let isNew = lastBatchId.withLock { $0 < batchId }
        guard isNew else { return }
        try body(batchId, batch)
        lastBatchId.withLock { $0 = batchId }
    }
}
