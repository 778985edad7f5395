import Columnar
import State

/// `groupBy(sessionWindow(ts, gap), keys…).agg(…)`: per key, sessions `[first event, last event + gap)`
/// that merge when a new event starts at or before a session's end (so touching sessions merge).
///
/// State: one entry per open session, keyed by (keys…, session start), valued (session end,
/// aggregates…). Append mode emits and evicts sessions that ended at or before the eviction
/// watermark; complete mode emits every session each batch. Update mode is rejected, as in Spark.
public final class SessionWindowAggregation: StatefulOperator, @unchecked Sendable {
    public let outputSchema: Schema
    /// The name progress reports for this operator.
    private let metricsName: String

    private let keys: [Expr]
    private let window: WindowSpec
    private let layout: AggregateLayout
    private let mode: OutputMode
    private let watermarked: Bool
    private var state: PendingState

    public init(
        keys: [Expr], window: WindowSpec, aggregates: [AggregateExpr], input: Schema,
        eventTimeColumn: String?, mode: OutputMode, operatorId: Int,
        stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> StateStoreProvider
    ) throws {
        guard window.kind == .session else { throw ColumnarError.invalidArgument("not a session window") }
        guard !keys.isEmpty else {
            throw ColumnarError.invalidArgument("global aggregation with a session window is not supported; group by at least one column besides the session")
        }
        guard mode != .update else {
            throw ColumnarError.invalidArgument("update output mode is not supported for session windows; use append or complete")
        }
        guard input.field(window.timeColumn)?.type == .timestamp else {
            throw ColumnarError.typeMismatch("session window column '\(window.timeColumn)' must be a timestamp")
        }
        self.keys = keys
        self.window = window
        self.mode = mode
        watermarked = eventTimeColumn == window.timeColumn
        let keyTypes = try keys.map { try $0.resultType(in: input) }
        layout = try AggregateLayout(aggregates, input: input)
        let keyFields = zip(keys, keyTypes).map { Field($0.outputName, $1) }
        outputSchema = Schema(
            [Field(window.startColumn, .timestamp), Field(window.endColumn, .timestamp)] + keyFields + layout.resultFields)
        state = PendingState(
            provider: try stateProvider(
                Schema(keyFields + [Field(window.startColumn, .timestamp)]),
                Schema([Field(window.endColumn, .timestamp)] + layout.stateFields)))
        metricsName = "sessionWindowStateStoreSave"
    }

    public var reactsToWatermark: Bool { mode == .append && watermarked }

    public func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
        var store = try state.load(batchId: context.batchId)
        var m = StatefulOperatorMetrics(name: metricsName)
        let gap = window.size
        let late = mode == .complete || !watermarked ? nil : context.watermarkForLateEvents
        let keyColumns = try keys.map { try $0.evaluate(batch) }
        let ts = try batch.column(window.timeColumn)
        let t = ts.int64Values

        // Rows by key, late rows dropped.
        var table = GroupKeyTable(capacity: 256)
        var rowsByKey: [[Int]] = []
        var lateIndexes: [Int] = []
        var onTime: [Int] = []
        for i in 0..<batch.rowCount where ts.isValid(i) {
            if let late, t[i] + gap <= late { lateIndexes.append(i) } else { onTime.append(i) }
        }
        GroupKeyBatch.forEachBlock(count: onTime.count, columns: keyColumns, rows: onTime) { keys, first in
            for k in 0..<keys.count {
                let g = Int(keys.withKey(k) { table.findOrInsert($0) })
                if g == rowsByKey.count { rowsByKey.append([]) }
                rowsByKey[g].append(onTime[first + k])
            }
        }
        m.numRowsDroppedByWatermark = Int64(lateIndexes.count)
        let lateRows = lateIndexes.isEmpty ? nil : batch.take(lateIndexes)

        // Existing sessions of the keys this batch touches.
        var stored: [[Value]: [(start: Int64, end: Int64, value: ArraySlice<Value>)]] = [:]
        if !rowsByKey.isEmpty {
            let touched = Set(rowsByKey.map { rows in keyColumns.map { $0[rows[0]].normalizedGroupingKey } })
            for e in store.entries() {
                let key = Array(e.key.dropLast())
                guard touched.contains(key), case .timestamp(let s) = e.key.last!, case .timestamp(let end) = e.value[0] else { continue }
                stored[key, default: []].append((s, end, e.value.dropFirst()))
            }
        }

        // Sweep each key's rows and stored sessions in start order, merging overlaps.
        var slotStart: [Int64] = [], slotEnd: [Int64] = [], slotKey: [[Value]] = []
        var rowSlot: [Int32] = [], slotRows: [Int] = []
        var storedMerges: [(slot: Int, value: ArraySlice<Value>)] = []
        var removals: [[Value]] = []
        for rows in rowsByKey {
            let key = keyColumns.map { $0[rows[0]].normalizedGroupingKey }
            enum Item { case row(Int), session(Int64, Int64, ArraySlice<Value>) }
            var items: [(Int64, Item)] = rows.map { (t[$0], .row($0)) }
            for s in stored[key] ?? [] {
                items.append((s.start, .session(s.start, s.end, s.value)))
                removals.append(key + [.timestamp(s.start)])
            }
            items.sort { $0.0 < $1.0 }
            var current = -1
            for (start, item) in items {
                let end: Int64
                switch item {
                case .row: end = start + gap
                case .session(_, let e, _): end = e
                }
                if current < 0 || start > slotEnd[current] {
                    slotStart.append(start)
                    slotEnd.append(end)
                    slotKey.append(key)
                    current = slotStart.count - 1
                } else {
                    slotEnd[current] = max(slotEnd[current], end)
                }
                switch item {
                case .row(let i): rowSlot.append(Int32(current)); slotRows.append(i)
                case .session(_, _, let v): storedMerges.append((current, v))
                }
            }
        }
        var accs = try layout.makeAccumulators(groups: slotStart.count)
        let inputs = try layout.aggregates.map { try $0.input?.evaluate(batch) }
        for i in accs.indices { accs[i].update(gids: rowSlot, rows: slotRows, input: inputs[i]) }
        for (slot, value) in storedMerges { layout.merge(&accs, slot, value) }
        for key in removals { try store.remove(key: key) }
        for s in slotStart.indices {
            try store.put(key: slotKey[s] + [.timestamp(slotStart[s])], value: [.timestamp(slotEnd[s])] + accs.flatMap { $0.stateValues(s) })
        }
        m.numRowsUpdated = Int64(slotStart.count)

        var output: [[Value]] = []
        if mode == .complete {
            output = rows(Array(store.entries()))
        } else if watermarked, let wm = context.watermarkForEviction {
            var evicted: [StateEntry] = []
            m.numRowsRemoved = Int64(try store.removeAll { e in
                guard case .timestamp(let end) = e.value[0], end <= wm else { return false }
                evicted.append(e)
                return true
            })
            output = rows(evicted)
        }
        output.sort { Value.compareRows($0, $1) < 0 }
        let sm = store.metrics
        m.numRowsTotal = Int64(sm.numRowsTotal)
        m.memoryUsedBytes = Int64(sm.memoryUsedBytes)
        state.hold(store)
        return StatefulOutput(rows: try RecordBatch.fromRows(output, schema: outputSchema), lateRows: lateRows, metrics: m)
    }

    public func commit() throws { try state.commit() }

    /// Output rows from stored sessions.
    private func rows(_ entries: [StateEntry]) -> [[Value]] {
        zip(entries, layout.results(entries.map { $0.value.dropFirst() })).map { e, r in [e.key.last!, e.value[0]] + e.key.dropLast() + r }
    }
}
