import Columnar
import State

/// `dropDuplicates(columns)` and `dropDuplicatesWithinWatermark(columns)` over a stream.
///
/// Rows whose event time is at or before the late-events watermark are dropped first. A row is
/// emitted if its key has not been seen; the first occurrence wins.
/// - `dropDuplicates`: a key is remembered until the watermark passes its event time, which
///   requires the event-time column to be one of the key columns (otherwise forever).
/// - `withinWatermark`: a key is remembered until the watermark reaches the event time of its
///   first occurrence plus the watermark delay; the key need not contain the event time. A null
///   event time counts as 0 (Spark reads it from an unsafe row as 0), so that key goes at the
///   first watermark past the delay.
public final class StreamingDeduplication: StatefulOperator, @unchecked Sendable {
    public let outputSchema: Schema
    /// The name progress reports for this operator.
    private let metricsName: String

    private let columns: [String]
    private let eventTimeColumn: String?
    private let eventTimeKey: Int?
    /// Set for `dropDuplicatesWithinWatermark`: the watermark delay in µs.
    private let withinWatermarkDelay: Int64?
    /// The key columns' types: the state key is their `GroupKeyBatch` bytes.
    private let keyTypes: [DataType]
    /// Values: `expiresAt`.
    private let values = RowCodec(Schema([Field("expiresAt", .timestamp)]), normalizesDoubles: false)
    private var state: PendingState

    public init(
        columns: [String], input: Schema, eventTimeColumn: String?, withinWatermarkDelay: Int64?, operatorId: Int,
        stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> any StateStoreProvider
    ) throws {
        let cols = columns.isEmpty ? input.names : columns
        let keyFields = try cols.map { input.fields[try input.require($0)] }
        if withinWatermarkDelay != nil && eventTimeColumn == nil {
            throw ColumnarError.invalidArgument("dropDuplicatesWithinWatermark is not supported on streams without watermark; call withWatermark first")
        }
        self.columns = cols
        self.eventTimeColumn = eventTimeColumn
        self.eventTimeKey = eventTimeColumn.flatMap { cols.firstIndex(of: $0) }
        self.withinWatermarkDelay = withinWatermarkDelay
        keyTypes = keyFields.map(\.type)
        outputSchema = input
        state = PendingState(provider: try stateProvider(Schema(keyFields), values.schema))
        metricsName = withinWatermarkDelay == nil ? "dedupe" : "dedupeWithinWatermark"
    }

    public func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
        var store = try state.load(batchId: context.batchId)
        var m = StatefulOperatorMetrics(name: metricsName)
        let keyColumns = try columns.map { try batch.column($0) }
        let time = try eventTimeColumn.map { try batch.column($0) }
        var keep: [Int] = []
        var late: [Int] = []
        var seen = GroupKeyTable(capacity: 256)
        let times = time?.int64Values
        var candidates: [Int] = []
        for i in 0..<batch.rowCount {
            if let time, let times, let wm = context.watermarkForLateEvents, time.isValid(i), times[i] <= wm {
                late.append(i)
            } else {
                candidates.append(i)
            }
        }
        try GroupKeyBatch.forEachBlock(count: candidates.count, columns: keyColumns, rows: candidates) { keys, first in
            for k in 0..<keys.count {
                let i = candidates[first + k]
                // Within the batch, only the first occurrence of a key can be new.
                let before = seen.count
                _ = keys.withKey(k) { seen.findOrInsert($0) }
                guard seen.count > before else { continue }
                var expires = Value.null
                if let delay = withinWatermarkDelay, let time, let times {
                    // A null event time reads as 0 (1970-01-01), as in Spark, so such a key expires
                    // at the first watermark past the delay instead of staying forever.
                    expires = .timestamp((time.isValid(i) ? times[i] : 0) + delay)
                }
                let value = try values.encode([expires])
                // Stored only if the key is new to the state; the batch's key bytes are the state's.
                if try keys.withKey(k, { try store.update(key: $0) { $0 == nil ? value : nil } }) { keep.append(i) }
            }
        }
        m.numRowsDroppedByWatermark = Int64(late.count)
        let lateRows = late.isEmpty ? nil : batch.take(late)
        m.numRowsUpdated = Int64(keep.count)

        if let wm = context.watermarkForEviction {
            // Each entry's expiry or event time is read from its bytes; kept entries are not decoded.
            if let delay = withinWatermarkDelay {
                let codec = values
                m.numRowsRemoved = Int64(try store.removeAll(whereBytes: { _, v in
                    // A null expiry was written before null event times read as 0: expire as such a key does now.
                    (codec.leadingInt64(v) ?? delay) <= wm
                }))
            } else if let k = eventTimeKey {
                let types = keyTypes
                m.numRowsRemoved = Int64(try store.removeAll(whereBytes: { key, _ in
                    GroupKeyLayout.int64Field(k, of: key, types: types).map { $0 <= wm } ?? false
                }))
            }
        }
        let sm = store.metrics
        m.numRowsTotal = Int64(sm.numRowsTotal)
        m.memoryUsedBytes = Int64(sm.memoryUsedBytes)
        state.hold(store)
        return StatefulOutput(rows: keep.count == batch.rowCount ? batch : batch.take(keep), lateRows: lateRows, metrics: m)
    }

    public func commit() throws { try state.commit() }

    public var reactsToWatermark: Bool { eventTimeColumn != nil }
}
