import Columnar
import State

/// `groupByKey(...).transformWithState(processor, timeMode:)`: runs a user's
/// `StatefulProcessor` per grouping key with typed state and timers (Spark 4's
/// `TransformWithStateExec`).
///
/// One batch, as Spark runs it: input rows at or before the late-events watermark are dropped
/// (when the input has a watermark); `handleInputRows` runs once per key with rows; then every
/// timer due (event time: at or before the batch's watermark; processing time: at or before the
/// batch's timestamp) fires through `handleExpiredTimer`, ordered by time then key; then values
/// whose TTL ran out are removed. The state store holds one entry per key with state or timers:
/// the key's `GroupKeyBatch` bytes and its `StoredKeyState` row, whose leading timestamps are
/// read without decoding the state, so finding due timers and expired values is a scan of
/// fixed-offset integers, as the deduplication's eviction is.
public final class TransformWithStateOperator: ProcessingTimeDrivenOperator, @unchecked Sendable {
    public let outputSchema: Schema
    private let processor: any StatefulProcessor
    private let timeMode: TimeMode
    private let keyColumns: [String]
    private let keyTypes: [DataType]
    private let eventTimeColumn: String?
    private let declared: DeclaredVariables
    private var state: PendingState
    /// The earliest processing-time event (timer, or TTL expiry) of the state this operator
    /// committed, by the version that state is (nil entry: none). Read by the engine between
    /// batches to run a batch without data when one is due.
    private var dueAfterCommit: (version: Int64, due: Int64?)?
    private var dueOfHeldState: Int64?

    /// - Parameters:
    ///   - keys: the grouping columns of the input.
    ///   - eventTimeColumn: the input's watermarked column, if any: late rows are dropped by it.
    public init(
        keys: [String], input: Schema, processor: any StatefulProcessor, timeMode: TimeMode, eventTimeColumn: String?,
        stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> any StateStoreProvider
    ) throws {
        guard !keys.isEmpty else { throw ColumnarError.invalidArgument("groupByKey needs at least one column") }
        let keyFields = try keys.map { input.fields[try input.require($0)] }
        if timeMode == .eventTime && eventTimeColumn == nil {
            throw ColumnarError.invalidArgument("transformWithState with timeMode eventTime needs a watermark: call withWatermark first")
        }
        self.keyColumns = keys
        self.keyTypes = keyFields.map(\.type)
        self.processor = processor
        self.timeMode = timeMode
        self.eventTimeColumn = eventTimeColumn
        self.declared = try DeclaredVariables(processor.stateVariables)
        self.outputSchema = processor.outputSchema
        state = PendingState(provider: try stateProvider(Schema(keyFields), StoredKeyState.codec.schema))
    }

    public var reactsToWatermark: Bool { timeMode == .eventTime }

    /// Checks a processor's declarations (unique names, positive TTLs) without building anything.
    public static func validate(_ processor: any StatefulProcessor) throws {
        _ = try DeclaredVariables(processor.stateVariables)
    }

    public func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
        guard let now = context.batchTimestampMicros else {
            throw ColumnarError.invalidArgument("transformWithState needs the batch's processing time")
        }
        var store = try state.load(batchId: context.batchId)
        var run = ProcessorCalls(
            declared: declared, keyTypes: keyTypes, timeMode: timeMode, outputSchema: outputSchema, now: now,
            watermark: context.watermarkForEviction)
        var m = StatefulOperatorMetrics(name: "transformWithStateExec")

        // 1. Late rows, by the previous batch's watermark (Spark drops them whatever the time mode).
        var rows = Array(0..<batch.rowCount)
        var lateRows: RecordBatch?
        if let column = eventTimeColumn, let wm = context.watermarkForLateEvents {
            let time = try batch.column(column)
            let times = time.int64Values
            var late: [Int] = []
            rows.removeAll { i in
                let isLate = time.isValid(i) && times[i] <= wm
                if isLate { late.append(i) }
                return isLate
            }
            m.numRowsDroppedByWatermark = Int64(late.count)
            if !late.isEmpty { lateRows = batch.take(late) }
        }

        // 2. Input rows, one call per key, keys in order of first appearance.
        let keyColumns = try self.keyColumns.map { try batch.column($0) }
        var table = GroupKeyTable(capacity: 256)
        var rowsOfKey: [[Int]] = []
        GroupKeyBatch.forEachBlock(count: rows.count, columns: keyColumns, rows: rows) { keys, first in
            for k in 0..<keys.count {
                let id = Int(keys.withKey(k) { table.findOrInsert($0) })
                if id == rowsOfKey.count { rowsOfKey.append([]) }
                rowsOfKey[id].append(rows[first + k])
            }
        }
        for id in rowsOfKey.indices {
            let keyBytes = table.withKey(id) { Array($0) }
            let keyRows = batch.take(rowsOfKey[id])
            try run.call(keyBytes, in: &store) { handle, values in
                try processor.handleInputRows(key: handle.key, rows: keyRows, timerValues: values, state: handle)
            }
        }

        // 3. Timers due, by time then key. A handler may register more: those after the time
        //    firing and due too fire in this batch, in order; one at or before it waits for a
        //    later batch (so a handler that re-registers its own time cannot loop).
        if let threshold = timerThreshold(now: now, watermark: context.watermarkForEviction) {
            var due: [(time: Int64, key: [UInt8])] = []
            let codec = declared
            try store.forEachEntry(inPartition: nil) { key, value in
                guard let next = StoredKeyState.header(value).nextTimer, next <= threshold else { return }
                let keyState = try StoredKeyState.decode(value, codec)
                for t in keyState.timers where t <= threshold { due.append((t, Array(key))) }
            }
            let earlier = { (a: (time: Int64, key: [UInt8]), b: (time: Int64, key: [UInt8])) in
                a.time != b.time ? a.time < b.time : a.key.lexicographicallyPrecedes(b.key)
            }
            due.sort(by: earlier)
            var next = 0
            while next < due.count {
                let (time, key) = due[next]
                next += 1
                var added: [Int64] = []
                try run.call(key, in: &store) { handle, values in
                    // Deleted first, so a handler that registers the same time again keeps it.
                    guard handle.state.timers.remove(time) != nil else { return [] }
                    let before = handle.state.timers
                    let rows = try processor.handleExpiredTimer(
                        key: handle.key, timerValues: values, expiredTimer: ExpiredTimerInfo(expiryTimeMicros: time), state: handle)
                    added = handle.state.timers.subtracting(before).filter { $0 > time && $0 <= threshold }
                    return rows
                }
                if !added.isEmpty {
                    due.append(contentsOf: added.map { ($0, key) })
                    due[next...].sort(by: earlier)
                }
            }
        }

        // 4. TTL: values whose expiry the batch's processing time reached leave the store.
        var expired: [[UInt8]] = []
        store.forEachEntry(inPartition: nil) { key, value in
            if let e = StoredKeyState.header(value).nextExpiry, now >= e { expired.append(Array(key)) }
        }
        for key in expired {
            try run.rewrite(key, in: &store) { _ = $0.removeExpired(now: now) }
        }
        dueOfHeldState = timeMode == .processingTime ? Self.earliestProcessingTimeEvent(in: store) : nil

        let sm = store.metrics
        m.numRowsTotal = Int64(sm.numRowsTotal)
        m.numRowsUpdated = Int64(run.keysWritten)
        m.numRowsRemoved = Int64(run.keysRemoved)
        m.memoryUsedBytes = Int64(sm.memoryUsedBytes)
        state.hold(store)
        return StatefulOutput(rows: try run.output(), lateRows: lateRows, metrics: m)
    }

    public func commit() throws {
        let version = try state.commit()
        if let version { dueAfterCommit = (version, dueOfHeldState) }
    }

    /// Timers at or before this fire in the batch; nil when the time mode has no timers.
    private func timerThreshold(now: Int64, watermark: Int64?) -> Int64? {
        switch timeMode {
        case .none: return nil
        case .processingTime: return now
        case .eventTime: return watermark
        }
    }

    /// In processing-time mode, whether a timer or a TTL expiry of state version `version` is
    /// due at `now` (µs), so that a batch should run although no source has new data. Reads the
    /// state once after a restart; afterwards answers from what the last commit found.
    public func processingTimeEventDue(stateVersion version: Int64, now: Int64) throws -> Bool {
        guard timeMode == .processingTime else { return false }
        if let cached = dueAfterCommit, cached.version == version { return cached.due.map { $0 <= now } ?? false }
        var store = try state.load(batchId: version)
        defer { store.abort() }
        let earliest = Self.earliestProcessingTimeEvent(in: store)
        dueAfterCommit = (version, earliest)
        return earliest.map { $0 <= now } ?? false
    }

    /// The earliest timer or TTL expiry of any key (in processing-time mode both are processing times).
    private static func earliestProcessingTimeEvent(in store: any StateStore) -> Int64? {
        var earliest: Int64?
        store.forEachEntry(inPartition: nil) { _, value in
            let h = StoredKeyState.header(value)
            for t in [h.nextTimer, h.nextExpiry].compactMap({ $0 }) { earliest = min(earliest ?? t, t) }
        }
        return earliest
    }
}
