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
    /// The types of the grouping keys; the state key is these, then the session start.
    private let keyTypes: [DataType]
    /// Values: the session end, then the aggregates' state.
    private let values: RowCodec
    private var state: PendingState

    public init(
        keys: [Expr], window: WindowSpec, aggregates: [AggregateExpr], input: Schema,
        eventTimeColumn: String?, mode: OutputMode, operatorId: Int,
        stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> any StateStoreProvider
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
        self.keyTypes = keyTypes
        let keyFields = zip(keys, keyTypes).map { Field($0.outputName, $1) }
        outputSchema = Schema(
            [Field(window.startColumn, .timestamp), Field(window.endColumn, .timestamp)] + keyFields + layout.resultFields)
        let valueSchema = Schema([Field(window.endColumn, .timestamp)] + layout.stateFields)
        values = RowCodec(valueSchema, normalizesDoubles: false)
        state = PendingState(
            provider: try stateProvider(Schema(keyFields + [Field(window.startColumn, .timestamp)]), valueSchema))
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

        // Existing sessions of the keys this batch touches: a state key is the grouping key's
        // bytes followed by the session start (a validity byte and 8 bytes), so an entry's key
        // part is looked up in the batch's table without decoding it.
        var stored: [[(start: Int64, end: Int64, value: ArraySlice<Value>)]] = Array(repeating: [], count: rowsByKey.count)
        if !rowsByKey.isEmpty {
            let codec = values
            try store.forEachEntry(inPartition: nil) { k, v in
                let split = k.count - GroupKeyLayout.trailingFixedFieldSize
                let g = table.find(UnsafeRawBufferPointer(rebasing: k[..<split]))
                guard g >= 0, let start = GroupKeyLayout.int64Field(0, of: UnsafeRawBufferPointer(rebasing: k[split...]), types: [.timestamp])
                else { return }
                let value = try codec.decode(v)
                guard case .timestamp(let end) = value[0] else { return }
                stored[g].append((start, end, value.dropFirst()))
            }
        }

        // Sweep each key's rows and stored sessions in start order, merging overlaps.
        var slotStart: [Int64] = [], slotEnd: [Int64] = [], slotKey: [Int] = []
        var rowSlot: [Int32] = [], slotRows: [Int] = []
        var storedMerges: [(slot: Int, value: ArraySlice<Value>)] = []
        var removals: [(key: Int, start: Int64)] = []
        for (g, rows) in rowsByKey.enumerated() {
            enum Item { case row(Int), session(Int64, Int64, ArraySlice<Value>) }
            var items: [(Int64, Item)] = rows.map { (t[$0], .row($0)) }
            for s in stored[g] {
                items.append((s.start, .session(s.start, s.end, s.value)))
                removals.append((g, s.start))
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
                    slotKey.append(g)
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
        for r in removals { try sessionKey(table, r.key, start: r.start).withUnsafeBytes { _ = try store.remove(key: $0) } }
        for s in slotStart.indices {
            let value = try values.encode([.timestamp(slotEnd[s])] + accs.flatMap { $0.stateValues(s) })
            try sessionKey(table, slotKey[s], start: slotStart[s]).withUnsafeBytes { try store.put(key: $0, value: value) }
        }
        m.numRowsUpdated = Int64(slotStart.count)

        var sessions = StoredGroups()
        let codec = values
        if mode == .complete {
            try store.forEachEntry(inPartition: nil) { k, v in sessions.append(key: k, value: try codec.decode(v)) }
        } else if watermarked, let wm = context.watermarkForEviction {
            m.numRowsRemoved = Int64(try store.removeAll(whereBytes: { k, v in
                guard let end = codec.leadingInt64(v), end <= wm else { return false }
                sessions.append(key: k, value: try codec.decode(v))
                return true
            }))
        }
        let sm = store.metrics
        m.numRowsTotal = Int64(sm.numRowsTotal)
        m.memoryUsedBytes = Int64(sm.memoryUsedBytes)
        state.hold(store)
        return StatefulOutput(
            rows: try SortPermutation.sorted(try RecordBatch(schema: outputSchema, columns: outputColumns(sessions))), lateRows: lateRows,
            metrics: m)
    }

    public func commit() throws { try state.commit() }

    /// The state key of grouping key `g` of `table` and a session start.
    private func sessionKey(_ table: GroupKeyTable, _ g: Int, start: Int64) -> [UInt8] {
        var key = table.withKey(g) { Array($0) }
        key.append(1)
        withUnsafeBytes(of: start.littleEndian) { key.append(contentsOf: $0) }
        return key
    }

    /// Output columns of stored sessions: start, end, keys, results.
    private func outputColumns(_ sessions: StoredGroups) -> [Column] {
        var keyColumns = sessions.keyColumns(types: keyTypes + [.timestamp])
        let starts = keyColumns.removeLast()
        var ends = ColumnBuilder(type: .timestamp, capacity: sessions.count)
        for v in sessions.values {
            if case .timestamp(let end) = v[0] { ends.append(end) } else { ends.appendNull() }
        }
        let results = layout.resultColumns(stored: sessions.values.map { $0.dropFirst() })
        return [starts, ends.finish()] + keyColumns + results
    }
}
