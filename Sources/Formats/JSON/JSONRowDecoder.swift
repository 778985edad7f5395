import Columnar

/// Second pass over a scanned line: converts each field's value to its column type, then
/// appends the row. Converting everything before appending anything lets a malformed row be
/// dropped without undoing appends.
struct JSONRowDecoder {
    private enum Status: UInt8 { case null, ok, bad }

    /// Per-field results of the last `convert`, in memory allocated once per read (written for
    /// every field of every row, so kept free of copy-on-write checks). Sized by field count.
    private final class Results {
        let status: UnsafeMutableBufferPointer<Status>
        /// Converted fixed-width values, by bit pattern.
        let bits: UnsafeMutableBufferPointer<UInt64>

        init(count: Int) {
            status = .allocate(capacity: count)
            status.initialize(repeating: .null)
            bits = .allocate(capacity: count)
            bits.initialize(repeating: 0)
        }

        deinit {
            status.deallocate()
            bits.deallocate()
        }
    }

    private let types: [DataType]
    private let names: [String]
    /// The fields of types other than string, in field order: only they need converting (any
    /// JSON value fits a string field), so strings are read straight from the line at append.
    private let converted: [Int]
    private let results: Results
    private var scratch: [UInt8] = []
    private var timestamps = TimestampParser()

    /// Whether timestamps try `TimestampParser`'s fixed-format fast path.
    private let usesFastPaths: Bool

    init(fields: [Field], usesFastPaths: Bool = true) {
        self.usesFastPaths = usesFastPaths
        types = fields.map(\.type)
        names = fields.map(\.name)
        converted = fields.indices.filter { fields[$0].type != .string }
        results = Results(count: fields.count)
    }

    /// Converts every field of the scanned line `s`; returns why the first unconvertible one
    /// failed, or nil if all converted. `slots` has an entry per field.
    mutating func convert(_ s: UnsafeBufferPointer<UInt8>, _ slots: UnsafeMutableBufferPointer<JSONSlot>, generation: UInt32) -> String? {
        var failure: String?
        let status = results.status, bits = results.bits
        for f in converted {
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
    mutating func append(
        _ s: UnsafeBufferPointer<UInt8>, _ slots: UnsafeMutableBufferPointer<JSONSlot>, generation: UInt32,
        into columns: inout [TextColumn]
    ) {
        let status = results.status, bits = results.bits
        columns.withUnsafeMutableBufferPointer { columns in
            for f in 0..<types.count {
                let type = types[f]
                if type == .string {
                    // Non-string values keep their raw JSON text, as Spark does.
                    let slot = slots[f]
                    guard slot.generation == generation, slot.kind != .null else { columns[f].appendNull(); continue }
                    let raw = UnsafeBufferPointer(rebasing: s[slot.start..<slot.end])
                    if slot.kind == .string && slot.escaped {
                        scratch.removeAll(keepingCapacity: true)
                        JSONStrings.unescape(raw, into: &scratch)
                        scratch.withUnsafeBufferPointer { columns[f].append(utf8: $0) }
                    } else {
                        columns[f].append(utf8: raw)
                    }
                    continue
                }
                guard status[f] == .ok else { columns[f].appendNull(); continue }
                let v = bits[f]
                switch type {
                case .bool: columns[f].append(v != 0)
                case .int64, .timestamp: columns[f].append(Int64(bitPattern: v))
                case .double: columns[f].append(Double(bitPattern: v))
                case .date: columns[f].append(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
                case .string: break
                }
            }
        }
    }
}
