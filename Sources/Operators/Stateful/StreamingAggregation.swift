import Columnar
import State

/// `groupBy(keys…).agg(…)` over a stream, with an optional tumbling or sliding window, keeping
/// the running aggregates of every group in the state store.
///
/// Per batch: assign windows, drop rows whose window ended at or before the late-events watermark
/// (not in complete mode), pre-aggregate the batch by key, merge into state, then emit by mode:
/// append emits and evicts groups whose window ended at or before the eviction watermark;
/// update emits every group the batch touched, then evicts; complete emits everything, never evicts.
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
    private var state: PendingState

    /// - Parameters:
    ///   - eventTimeColumn: the input's watermarked column, if any. Late rows are dropped and
    ///     state evicted only when the window's time column, or a key, is that column.
    ///   - stateProvider: builds the state store given the key and value schemas.
    public init(
        keys: [Expr], window: WindowSpec?, aggregates: [AggregateExpr], input: Schema,
        eventTimeColumn: String?, mode: OutputMode, operatorId: Int,
        stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> StateStoreProvider
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

        // Pre-aggregate the batch by key.
        var table = GroupKeyTable(capacity: 1024)
        var gids = [Int32](repeating: 0, count: rows.count)
        var firstPair: [Int] = []
        GroupKeyBatch.forEachBlock(count: rows.count, columns: keyColumns, rows: rows, extra: window == nil ? nil : starts) { encoded, first in
            encoded.bytes.withUnsafeBytes { b in
                encoded.offsets.withUnsafeBufferPointer { o in
                    for k in 0..<encoded.count {
                        let g = table.findOrInsert(UnsafeRawBufferPointer(rebasing: b[o[k]..<o[k + 1]]))
                        if Int(g) == firstPair.count { firstPair.append(first + k) }
                        gids[first + k] = g
                    }
                }
            }
        }
        var accs = try layout.makeAccumulators(groups: table.count)
        let inputs = try layout.aggregates.map { try $0.input?.evaluate(batch) }
        for i in accs.indices { accs[i].update(gids: gids, rows: rows, input: inputs[i]) }

        // Merge with state.
        var touchedKeys: [[Value]] = []
        touchedKeys.reserveCapacity(table.count)
        for g in 0..<table.count {
            let k = firstPair[g]
            var key: [Value] = window == nil ? [] : [.timestamp(starts[k])]
            for c in keyColumns { key.append(c[rows[k]].normalizedGroupingKey) }
            try store.update(key: key) { stored in
                if let stored { layout.merge(&accs, g, stored[...]) }
                return accs.flatMap { $0.stateValues(g) }
            }
            touchedKeys.append(key)
        }
        m.numRowsUpdated = Int64(table.count)

        // Emit.
        var output: [[Value]] = []
        let evict = mode == .complete || !hasEventTime ? nil : context.watermarkForEviction
        switch mode {
        case .update:
            for (g, key) in touchedKeys.enumerated() { output.append(outputRow(key, accs.map { $0.result(g) })) }
        case .complete:
            let entries = Array(store.entries())
            for (e, r) in zip(entries, layout.results(entries.map { $0.value[...] })) { output.append(outputRow(e.key, r)) }
        case .append:
            break
        }
        if let evict {
            var evicted: [StateEntry] = []
            m.numRowsRemoved = Int64(try store.removeAll { e in
                guard self.isFinal(e.key, evict) else { return false }
                evicted.append(e)
                return true
            })
            if mode == .append {
                for (e, r) in zip(evicted, layout.results(evicted.map { $0.value[...] })) { output.append(outputRow(e.key, r)) }
            }
        }
        output.sort { Value.compareRows($0, $1) < 0 }

        let sm = store.metrics
        m.numRowsTotal = Int64(sm.numRowsTotal)
        m.memoryUsedBytes = Int64(sm.memoryUsedBytes)
        state.hold(store)
        return StatefulOutput(rows: try RecordBatch.fromRows(output, schema: outputSchema), lateRows: lateRows, metrics: m)
    }

    public func commit() throws { try state.commit() }

    public var reactsToWatermark: Bool { mode != .complete && hasEventTime }

    private func isFinal(_ key: [Value], _ watermark: Int64) -> Bool {
        if let window, case .timestamp(let start) = key[0] { return start + window.size <= watermark }
        if let k = eventTimeKey, case .timestamp(let t) = key[k] { return t <= watermark }
        return false
    }

    private func outputRow(_ key: [Value], _ values: [Value]) -> [Value] {
        guard let window, case .timestamp(let start) = key[0] else { return key + values }
        return [.timestamp(start), .timestamp(start + window.size)] + key.dropFirst() + values
    }
}
