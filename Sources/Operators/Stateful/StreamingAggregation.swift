import Columnar
import State

/// `groupBy(keys…).agg(…)` over a stream, with an optional tumbling or sliding window, keeping
/// the running aggregates of every group in the state store.
///
/// Per batch: assign windows, drop rows whose window ended at or before the late-events watermark
/// (not in complete mode), pre-aggregate the batch by key, merge into state, then emit by mode:
/// append emits and evicts groups whose window ended at or before the eviction watermark;
/// update emits every group the batch touched, then evicts; complete emits everything, never evicts.
///
/// Keys stay bytes from the batch to the state store: the batch's keys are interned in a
/// `GroupKeyTable` whose bytes are the store's keys, eviction reads the window start (or event
/// time) straight from the stored key bytes, and output columns are decoded from key bytes with
/// column builders, then sorted through a permutation.
public final class StreamingAggregation: StatefulOperator, @unchecked Sendable {
    public let outputSchema: Schema
    /// The name progress reports for this operator.
    private let metricsName: String

    private let keys: [Expr]
    private let window: WindowSpec?
    private let layout: AggregateLayout
    private let mode: OutputMode
    /// Position of a key that is the watermarked event-time column itself (`groupBy(col("ts"))`).
    private let eventTimeKey: Int?
    private let hasEventTime: Bool
    /// The types of the state key's fields: the window start (if any), then the keys.
    private let keyTypes: [DataType]
    private let values: RowCodec
    private var state: PendingState

    /// - Parameters:
    ///   - eventTimeColumn: the input's watermarked column, if any. Late rows are dropped and
    ///     state evicted only when the window's time column, or a key, is that column.
    ///   - stateProvider: builds the state store given the key and value schemas.
    public init(
        keys: [Expr], window: WindowSpec?, aggregates: [AggregateExpr], input: Schema,
        eventTimeColumn: String?, mode: OutputMode, operatorId: Int,
        stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> any StateStoreProvider
    ) throws {
        self.keys = keys
        self.window = window
        self.mode = mode
        let keyTypes = try keys.map { try $0.resultType(in: input) }
        layout = try AggregateLayout(aggregates, input: input)

        if let window {
            guard let f = input.field(window.timeColumn) else {
                throw ColumnarError.unknownColumn(window.timeColumn, available: input.names)
            }
            guard f.type == .timestamp else { throw ColumnarError.typeMismatch("window column '\(f.name)' is \(f.type), not timestamp") }
            guard window.kind != .session else { throw ColumnarError.invalidArgument("session windows are aggregated by SessionWindowAggregation") }
        }
        eventTimeKey = eventTimeColumn.flatMap { c in keys.firstIndex { if case .column(c) = $0.unaliased { return true } else { return false } } }
        hasEventTime = eventTimeColumn != nil && (window?.timeColumn == eventTimeColumn || eventTimeKey != nil)

        var keyFields: [Field] = window.map { [Field($0.startColumn, .timestamp)] } ?? []
        keyFields += zip(keys, keyTypes).map { Field($0.outputName, $1) }
        var out: [Field] = window.map { [Field($0.startColumn, .timestamp), Field($0.endColumn, .timestamp)] } ?? []
        out += zip(keys, keyTypes).map { Field($0.outputName, $1) }
        out += layout.resultFields
        outputSchema = Schema(out)
        self.keyTypes = keyFields.map(\.type)
        values = RowCodec(Schema(layout.stateFields), normalizesDoubles: false)
        state = PendingState(provider: try stateProvider(Schema(keyFields), Schema(layout.stateFields)))
        metricsName = "stateStoreSave"
    }

    /// True when append mode can emit final rows: the grouping includes the watermarked column.
    public var isWatermarked: Bool { hasEventTime }

    public func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
        var store = try state.load(batchId: context.batchId)
        var m = StatefulOperatorMetrics(name: metricsName)
        let late = mode == .complete || !hasEventTime ? nil : context.watermarkForLateEvents

        // Rows (with their window start) that take part, after dropping late ones.
        var rows: [Int] = []
        var starts: [Int64] = []
        var lateRowIndexes: [Int] = []
        let keyColumns = try keys.map { try $0.evaluate(batch) }
        if let window {
            let ts = try batch.column(window.timeColumn)
            let t = ts.int64Values
            rows.reserveCapacity(batch.rowCount * window.windowsPerRow)
            starts.reserveCapacity(batch.rowCount * window.windowsPerRow)
            if window.kind == .tumbling {
                // One window per row: no scratch list.
                for i in 0..<batch.rowCount where ts.isValid(i) {
                    let start = t[i] - WindowSpec.floorMod(t[i], window.slide)
                    if let late, start + window.size <= late {
                        m.numRowsDroppedByWatermark += 1
                        lateRowIndexes.append(i)
                        continue
                    }
                    rows.append(i)
                    starts.append(start)
                }
            } else {
                var scratch: [Int64] = []
                for i in 0..<batch.rowCount where ts.isValid(i) {
                    scratch.removeAll(keepingCapacity: true)
                    window.windowStarts(t[i], into: &scratch)
                    var kept = false
                    for s in scratch.reversed() {
                        if let late, s + window.size <= late { m.numRowsDroppedByWatermark += 1; continue }
                        rows.append(i)
                        starts.append(s)
                        kept = true
                    }
                    if !kept { lateRowIndexes.append(i) }
                }
            }
        } else if let k = eventTimeKey, let late {
            let c = keyColumns[k]
            let t = c.int64Values
            for i in 0..<batch.rowCount {
                if c.isValid(i) && t[i] <= late { m.numRowsDroppedByWatermark += 1; lateRowIndexes.append(i) } else { rows.append(i) }
            }
        } else {
            rows = Array(0..<batch.rowCount)
        }
        let lateRows = lateRowIndexes.isEmpty ? nil : batch.take(lateRowIndexes)

        // Pre-aggregate the batch by key; the table's key bytes are the state store's keys.
        var table = GroupKeyTable(capacity: 1024)
        var gids = [Int32](repeating: 0, count: rows.count)
        GroupKeyBatch.forEachBlock(count: rows.count, columns: keyColumns, rows: rows, extra: window == nil ? nil : starts) { encoded, first in
            encoded.bytes.withUnsafeBytes { b in
                encoded.offsets.withUnsafeBufferPointer { o in
                    for k in 0..<encoded.count {
                        gids[first + k] = table.findOrInsert(UnsafeRawBufferPointer(rebasing: b[o[k]..<o[k + 1]]))
                    }
                }
            }
        }
        var accs = try layout.makeAccumulators(groups: table.count)
        let inputs = try layout.aggregates.map { try $0.input?.evaluate(batch) }
        for i in accs.indices { accs[i].update(gids: gids, rows: rows, input: inputs[i]) }

        // Merge with state.
        for g in 0..<table.count {
            _ = try table.withKey(g) { key in
                try store.update(key: key) { stored in
                    if let stored { layout.merge(&accs, g, try values.decode(stored)[...]) }
                    return try values.encode(accs.flatMap { $0.stateValues(g) })
                }
            }
        }
        m.numRowsUpdated = Int64(table.count)

        // Emit.
        var output: [Column]?
        let evict = mode == .complete || !hasEventTime ? nil : context.watermarkForEviction
        switch mode {
        case .update:
            output = outputColumns(keys: table.columns(types: keyTypes), results: layout.resultColumns(accs, groups: table.count))
        case .complete:
            var all = StoredGroups()
            let codec = values
            try store.forEachEntry(inPartition: nil) { k, v in all.append(key: k, value: try codec.decode(v)) }
            output = emit(all)
        case .append:
            break
        }
        if let evict {
            var evicted = StoredGroups()
            let emitsEvicted = mode == .append
            let codec = values
            m.numRowsRemoved = Int64(try store.removeAll(whereBytes: { k, v in
                guard self.isFinal(k, evict) else { return false }
                if emitsEvicted { evicted.append(key: k, value: try codec.decode(v)) }
                return true
            }))
            if emitsEvicted { output = emit(evicted) }
        }
        let result = try output.map { try RecordBatch(schema: outputSchema, columns: $0) } ?? RecordBatch.empty(outputSchema)

        let sm = store.metrics
        m.numRowsTotal = Int64(sm.numRowsTotal)
        m.memoryUsedBytes = Int64(sm.memoryUsedBytes)
        state.hold(store)
        return StatefulOutput(rows: try SortPermutation.sorted(result), lateRows: lateRows, metrics: m)
    }

    public func commit() throws { try state.commit() }

    public var reactsToWatermark: Bool { mode != .complete && hasEventTime }

    /// Whether the group whose state key is `key` is final at `watermark`: its window ended, or
    /// its event-time key is at or before the watermark. Reads one field of the key bytes.
    private func isFinal(_ key: UnsafeRawBufferPointer, _ watermark: Int64) -> Bool {
        if let window {
            // The window start is the key's first field: a validity byte and 8 bytes.
            guard let start = GroupKeyLayout.int64Field(0, of: key, types: keyTypes) else { return false }
            return start + window.size <= watermark
        }
        if let k = eventTimeKey, let t = GroupKeyLayout.int64Field(k, of: key, types: keyTypes) { return t <= watermark }
        return false
    }

    /// Output columns of stored groups.
    private func emit(_ groups: StoredGroups) -> [Column] {
        outputColumns(keys: groups.keyColumns(types: keyTypes), results: layout.resultColumns(stored: groups.values.map { $0[...] }))
    }

    /// The output columns from the state key's columns and the results: a window start becomes
    /// the window's start and end columns.
    private func outputColumns(keys: [Column], results: [Column]) -> [Column] {
        guard let window, let starts = keys.first else { return keys + results }
        let ends = Column.timestamps(starts.int64Values.map { $0 + window.size })
        return [starts, ends] + keys.dropFirst() + results
    }
}
