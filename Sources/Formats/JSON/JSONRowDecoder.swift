import Columnar

/// Second pass over a scanned line: converts each field's value to its column type, then
/// appends the row. Converting everything before appending anything lets a malformed row be
/// dropped without undoing appends. Appended rows are staged and copied into the columns a
/// batch at a time (`flush`).
struct JSONRowDecoder {
    private enum Status: UInt8 { case null, ok, bad }

    /// Per-field results of the last `convert`, in memory allocated once per read (written for
    /// every field of every row, so kept free of copy-on-write checks). Sized by field count.
    private final class Results {
        let status: UnsafeMutableBufferPointer<Status>
        /// Converted fixed-width values, by bit pattern.
        let bits: UnsafeMutableBufferPointer<UInt64>
        /// The fields of types other than string, in field order: only they need converting
        /// (any JSON value fits a string field), so strings are read straight from the line when
        /// appended. Held here rather than in an array so the loop over them needs no retain.
        let converted: UnsafeMutableBufferPointer<Int>

        init(types: [DataType]) {
            status = .allocate(capacity: types.count)
            status.initialize(repeating: .null)
            bits = .allocate(capacity: types.count)
            bits.initialize(repeating: 0)
            let indices = types.indices.filter { types[$0] != .string }
            converted = .allocate(capacity: indices.count)
            _ = converted.initialize(from: indices)
        }

        deinit {
            status.deallocate()
            bits.deallocate()
            converted.deallocate()
        }
    }

    /// Rows appended but not yet copied into the columns (see `append` and `flush`).
    private final class Stage {
        static let rows = 256
        let fields: Int
        /// Row-major: the value of field `f` of staged row `r` is `values[r * fields + f]`.
        let values: UnsafeMutablePointer<StagedValue>
        /// Room for one 8-byte word per staged row, for `TextColumn.append(staged:)`.
        let scratch: UnsafeMutableRawPointer

        init(fields: Int) {
            self.fields = fields
            values = .allocate(capacity: Self.rows * max(fields, 1))
            values.initialize(repeating: StagedValue(), count: Self.rows * max(fields, 1))
            scratch = .allocate(byteCount: 8 * Self.rows, alignment: 8)
        }

        deinit {
            values.deallocate()
            scratch.deallocate()
        }
    }

    private let types: [DataType]
    private let names: [String]
    private let results: Results
    private var scratch: [UInt8] = []
    private let stage: Stage
    private var stagedRows = 0
    /// The unescaped bytes of the staged strings that had escapes.
    private var arena: [UInt8] = []
    private var timestamps = TimestampParser()

    /// Whether timestamps try `TimestampParser`'s fixed-format fast path.
    private let usesFastPaths: Bool

    init(fields: [Field], usesFastPaths: Bool = true) {
        self.usesFastPaths = usesFastPaths
        types = fields.map(\.type)
        names = fields.map(\.name)
        results = Results(types: fields.map(\.type))
        stage = Stage(fields: fields.count)
    }

    /// Converts every field of the scanned line `s`; returns why the first unconvertible one
    /// failed, or nil if all converted. `slots` has an entry per field.
    mutating func convert(_ s: UnsafeBufferPointer<UInt8>, _ slots: UnsafeMutableBufferPointer<JSONSlot>, generation: UInt32) -> String? {
        var failure: String?
        let status = results.status, bits = results.bits
        for f in results.converted {
            let slot = slots[f]
            guard slot.generation == generation, slot.kind != .null else { status[f] = .null; continue }
            if let v = value(s, slot, types[f]) {
                status[f] = .ok
                bits[f] = v
            } else {
                status[f] = .bad
                if failure == nil { failure = describeMismatch(s, slot, f) }
            }
        }
        return failure
    }

    /// The converted bits of a fixed-width value (strings: 0), or nil if `slot` does not fit `type`.
    @inline(__always)
    private mutating func value(_ s: UnsafeBufferPointer<UInt8>, _ slot: JSONSlot, _ type: DataType) -> UInt64? {
        let text = UnsafeBufferPointer(rebasing: s[slot.start..<slot.end])
        switch (type, slot.kind) {
        case (.timestamp, .string):
            if !slot.escaped && usesFastPaths { return timestamps.parse(text).map { UInt64(bitPattern: $0) } }
            return withText(text, slot.escaped) { TextValues.timestamp($0) }.map { UInt64(bitPattern: $0) }
        case (.bool, .trueValue):
            return 1
        case (.bool, .falseValue):
            return 0
        case (.int64, .integer):
            return NumberParser.int64(text).map { UInt64(bitPattern: $0) }
        case (.double, .integer), (.double, .number):
            return NumberParser.double(text).map(\.bitPattern)
        case (.double, .string):
            return withText(text, slot.escaped) { TextValues.specialDouble($0) }.map(\.bitPattern)
        case (.timestamp, .integer):
            return NumberParser.int64(text).flatMap { TextValues.micros(fromMillis: $0) }.map { UInt64(bitPattern: $0) }
        case (.timestamp, .number):
            return NumberParser.double(text).flatMap { TextValues.micros(fromMillis: $0) }.map { UInt64(bitPattern: $0) }
        case (.date, .string):
            return withText(text, slot.escaped) { TextValues.date($0) }.map { UInt64(UInt32(bitPattern: $0)) }
        default:
            return nil
        }
    }

    /// Calls `body` with the text of string content, unescaped if needed.
    @inline(__always)
    private mutating func withText<R>(_ raw: UnsafeBufferPointer<UInt8>, _ escaped: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard escaped else { return body(raw) }
        scratch.removeAll(keepingCapacity: true)
        JSONStrings.unescape(raw, into: &scratch)
        return scratch.withUnsafeBufferPointer(body)
    }

    private func describeMismatch(_ s: UnsafeBufferPointer<UInt8>, _ slot: JSONSlot, _ f: Int) -> String {
        let text = TextValues.snippet(UnsafeBufferPointer(rebasing: s[slot.start..<slot.end]))
        let found = slot.kind == .string ? "\"\(text)\"" : text
        return "field '\(names[f])': expected \(types[f]), found \(found)"
    }

    /// Appends the row last passed to `convert` to `columns` (one per field); fields that
    /// failed conversion become null.
    ///
    /// The row is staged: strings as where their bytes are in `s`, which must stay valid until
    /// the next `flush` (the reader flushes before its line buffers are reused). Copying a
    /// batch of rows column by column costs far less per value than appending each one.
    mutating func append(
        _ s: UnsafeBufferPointer<UInt8>, _ slots: UnsafeMutableBufferPointer<JSONSlot>, generation: UInt32,
        into columns: inout [TextColumn]
    ) {
        if stagedRows == Stage.rows { flush(into: &columns) }
        let status = results.status, bits = results.bits
        let row = stage.values + stagedRows * stage.fields
        for f in 0..<types.count {
            if types[f] == .string {
                // Non-string values keep their raw JSON text, as Spark does.
                let slot = slots[f]
                if slot.generation != generation || slot.kind == .null {
                    row[f] = StagedValue()
                } else if slot.kind == .string && slot.escaped {
                    let offset = arena.count
                    JSONStrings.unescape(UnsafeBufferPointer(rebasing: s[slot.start..<slot.end]), into: &arena)
                    row[f] = StagedValue(state: .arena, bits: UInt64(offset), start: nil, count: arena.count - offset)
                } else {
                    precondition(slot.start <= slot.end && slot.end <= s.count, "slot outside the line")
                    row[f] = StagedValue(state: .value, bits: 0, start: s.baseAddress.map { $0 + slot.start }, count: slot.end - slot.start)
                }
            } else {
                row[f] = status[f] == .ok ? StagedValue(state: .value, bits: bits[f], start: nil, count: 0) : StagedValue()
            }
        }
        stagedRows += 1
    }

    /// Appends a row of nulls.
    mutating func appendNullRow(into columns: inout [TextColumn]) {
        if stagedRows == Stage.rows { flush(into: &columns) }
        let row = stage.values + stagedRows * stage.fields
        for f in 0..<types.count { row[f] = StagedValue() }
        stagedRows += 1
    }

    /// Copies the staged rows into `columns`; after it, the lines they came from may go.
    mutating func flush(into columns: inout [TextColumn]) {
        guard stagedRows > 0 else { return }
        let rows = stagedRows, stage = self.stage
        arena.withUnsafeBufferPointer { arena in
            columns.withUnsafeMutableBufferPointer { columns in
                for f in 0..<stage.fields {
                    columns[f].append(staged: stage.values + f, stride: stage.fields, rows: rows, arena: arena, scratch: stage.scratch)
                }
            }
        }
        stagedRows = 0
        arena.removeAll(keepingCapacity: true)
    }
}
