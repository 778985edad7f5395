import Columnar
import State

/// `limit(n)` over an appending stream (Spark's `StreamingGlobalLimitExec`): at most `n` rows
/// over the query's whole life. The number already let through is kept in state (one entry),
/// so a restart or a re-run batch lets through exactly what the first run did.
public final class StreamingLimit: StatefulOperator, @unchecked Sendable {
    public let outputSchema: Schema
    private let limit: Int64
    private static let key: [Value] = [.int64(0)]
    private var state: PendingState

    public init(limit: Int, input: Schema, stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> any StateStoreProvider) throws {
        guard limit >= 0 else { throw ColumnarError.invalidArgument("limit must not be negative, got \(limit)") }
        self.limit = Int64(limit)
        outputSchema = input
        state = PendingState(provider: try stateProvider(Schema([Field("key", .int64)]), Schema([Field("emitted", .int64)])))
    }

    public func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
        var store = try state.load(batchId: context.batchId)
        var m = StatefulOperatorMetrics(name: "globalLimit")
        var emitted: Int64 = 0
        if case .int64(let n)? = try store.get(key: Self.key)?.first { emitted = n }
        let take = Int(Swift.min(Swift.max(limit - emitted, 0), Int64(batch.rowCount)))
        if take > 0 {
            try store.put(key: Self.key, value: [.int64(emitted + Int64(take))])
            m.numRowsUpdated = 1
        }
        m.numRowsTotal = Int64(store.metrics.numRowsTotal)
        m.memoryUsedBytes = Int64(store.metrics.memoryUsedBytes)
        state.hold(store)
        return StatefulOutput(rows: take == batch.rowCount ? batch : batch.slice(0..<take), lateRows: nil, metrics: m)
    }

    public func commit() throws { try state.commit() }

    public var reactsToWatermark: Bool { false }
}
