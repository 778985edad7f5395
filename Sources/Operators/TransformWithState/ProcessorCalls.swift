import Columnar
import State

/// The processor calls of one `transformWithState` batch: each gets a handle on its key's
/// stored state, and what it leaves is written back (or the key removed, once it holds nothing).
struct ProcessorCalls {
    let declared: DeclaredVariables
    let keyTypes: [DataType]
    let timeMode: TimeMode
    let outputSchema: Schema
    /// The batch's processing time (µs).
    let now: Int64
    /// The batch's eviction watermark (µs).
    let watermark: Int64?
    private(set) var emitted: [[Value]] = []
    private(set) var keysWritten = 0
    private(set) var keysRemoved = 0

    var timerValues: TimerValues {
        TimerValues(currentProcessingTimeMicros: now, currentWatermarkMicros: timeMode == .eventTime ? watermark : nil)
    }

    /// Runs `body` with a handle on `key`'s state, keeps the rows it returns, stores what it left.
    mutating func call(
        _ key: [UInt8], in store: inout any StateStore, _ body: (StatefulProcessorHandle, TimerValues) throws -> [[Value]]
    ) throws {
        let before = try load(key, from: store) ?? KeyState()
        let handle = StatefulProcessorHandle(
            key: key.withUnsafeBytes { GroupKeyLayout.decode($0, types: keyTypes) }, state: before, timeMode: timeMode, now: now,
            declared: declared)
        let rows = try body(handle, timerValues)
        for r in rows { try check(r) }
        emitted += rows
        try save(key, before: before, after: handle.state, in: &store)
    }

    /// Changes `key`'s stored state with `change`, if it has any.
    mutating func rewrite(_ key: [UInt8], in store: inout any StateStore, _ change: (inout KeyState) -> Void) throws {
        guard let before = try load(key, from: store) else { return }
        var after = before
        change(&after)
        try save(key, before: before, after: after, in: &store)
    }

    func output() throws -> RecordBatch { try RecordBatch.fromRows(emitted, schema: outputSchema) }

    private func load(_ key: [UInt8], from store: any StateStore) throws -> KeyState? {
        let declared = self.declared
        return try key.withUnsafeBytes { k in try store.value(forKey: k).map { v in try v.withUnsafeBytes { try StoredKeyState.decode($0, declared) } } }
    }

    private mutating func save(_ key: [UInt8], before: KeyState, after: KeyState, in store: inout any StateStore) throws {
        guard after != before else { return }
        if after.isEmpty {
            if try key.withUnsafeBytes({ try store.remove(key: $0) }) { keysRemoved += 1 }
        } else {
            let bytes = try StoredKeyState.encode(after, declared)
            try key.withUnsafeBytes { try store.put(key: $0, value: bytes) }
            keysWritten += 1
        }
    }

    /// A clear error for a row that does not fit the output schema, instead of a bad column.
    private func check(_ row: [Value]) throws {
        guard row.count == outputSchema.count else {
            throw TransformWithStateError.badOutputRow(row: row, reason: "it has \(row.count) values, the schema \(outputSchema.count) columns")
        }
        for (v, f) in zip(row, outputSchema.fields) {
            if v == .null {
                guard f.nullable else { throw TransformWithStateError.badOutputRow(row: row, reason: "column '\(f.name)' is not nullable") }
            } else if v.type != f.type {
                throw TransformWithStateError.badOutputRow(row: row, reason: "column '\(f.name)' is \(f.type), the value \(v) is not")
            }
        }
    }
}
