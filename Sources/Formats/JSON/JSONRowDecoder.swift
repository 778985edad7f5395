import Columnar

/// Second pass over a scanned line: converts each field's value to its column type, then
/// appends the row. Converting everything before appending anything lets a malformed row be
/// dropped without undoing appends.
struct JSONRowDecoder {
    private enum Status: UInt8 { case null, ok, bad }

    private let types: [DataType]
    private let names: [String]
    /// Builder index of each field.
    private let outputs: [Int]
    private var status: [Status]
    /// Converted fixed-width values, by bit pattern.
    private var bits: [UInt64]
    private var scratch: [UInt8] = []

    init(fields: [Field], outputs: [Int]) {
        types = fields.map(\.type)
        names = fields.map(\.name)
        self.outputs = outputs
        status = [Status](repeating: .null, count: fields.count)
        bits = [UInt64](repeating: 0, count: fields.count)
    }

    /// Converts every field of the scanned line `s`; returns why the first unconvertible one
    /// failed, or nil if all converted.
    mutating func convert(_ s: UnsafeBufferPointer<UInt8>, _ slots: [JSONSlot], generation: UInt32) -> String? {
        var failure: String?
        for f in 0..<types.count {
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
        case (.string, _):
            return 0
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
        case (.timestamp, .string):
            return withText(text, slot.escaped) { TextValues.timestamp($0) }.map { UInt64(bitPattern: $0) }
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

    /// Appends the last converted row; fields that failed conversion become null.
    mutating func append(_ s: UnsafeBufferPointer<UInt8>, _ slots: [JSONSlot], into builders: inout [ColumnBuilder]) {
        for f in 0..<types.count {
            let b = outputs[f]
            guard status[f] == .ok else { builders[b].appendNull(); continue }
            let v = bits[f]
            switch types[f] {
            case .bool: builders[b].append(v != 0)
            case .int64, .timestamp: builders[b].append(Int64(bitPattern: v))
            case .double: builders[b].append(Double(bitPattern: v))
            case .date: builders[b].append(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
            case .string:
                // Non-string values keep their raw JSON text, as Spark does.
                let slot = slots[f]
                let raw = UnsafeBufferPointer(rebasing: s[slot.start..<slot.end])
                if slot.kind == .string && slot.escaped {
                    scratch.removeAll(keepingCapacity: true)
                    JSONStrings.unescape(raw, into: &scratch)
                    scratch.withUnsafeBufferPointer { builders[b].append(utf8: $0) }
                } else {
                    builders[b].append(utf8: raw)
                }
            }
        }
    }
}
