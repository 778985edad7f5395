/// Reading and writing single keys in the `GroupKeyBatch` layout, given the types of its fields:
/// keys back into columns (a column at a time), one row of values to and from bytes (the edges:
/// tests, user-facing state APIs), validation of stored bytes, and the position of one field, so
/// a key's window start or event time can be read without decoding the key.
public enum GroupKeyLayout {
    /// Keys decoded into one column per type, built with column builders; `key(k)` gives key `k`,
    /// which must be a well-formed key of `types` (made by `GroupKeyBatch` or checked by `problem`).
    public static func columns(
        types: [DataType], count: Int, key: (Int) -> UnsafeRawBufferPointer
    ) -> [Column] {
        var keys: [UnsafeRawBufferPointer] = []
        keys.reserveCapacity(count)
        for k in 0..<count { keys.append(key(k)) }
        // Where each key's next field starts; fields are read a column at a time.
        var cursor = [Int](repeating: 0, count: count)
        var columns: [Column] = []
        columns.reserveCapacity(types.count)
        for type in types {
            var b = ColumnBuilder(type: type, capacity: count)
            for k in 0..<count {
                let bytes = keys[k]
                var at = cursor[k]
                guard bytes[at] != 0 else {
                    b.appendNull()
                    cursor[k] = at + 1
                    continue
                }
                at += 1
                switch type {
                case .bool:
                    b.append(bytes[at] != 0)
                    at += 1
                case .int64, .timestamp:
                    b.append(load(bytes, at))
                    at += 8
                case .date:
                    b.append(Int32(truncatingIfNeeded: load(bytes, at)))
                    at += 8
                case .double:
                    b.append(Double(bitPattern: UInt64(bitPattern: load(bytes, at))))
                    at += 8
                case .string:
                    let n = Int(load(bytes, at))
                    at += 8
                    b.append(utf8: UnsafeBufferPointer(start: (bytes.baseAddress! + at).assumingMemoryBound(to: UInt8.self), count: n))
                    at += n
                }
                cursor[k] = at
            }
            columns.append(b.finish())
        }
        return columns
    }

    /// The key of one row of values, each null or of its field's type (the caller checks; a
    /// value of another type traps). Doubles are normalised like `GroupKeyBatch` does.
    public static func encode(_ row: [Value], types: [DataType]) -> [UInt8] {
        precondition(row.count == types.count, "one value per key field")
        var out: [UInt8] = []
        out.reserveCapacity(9 * row.count)
        func put(_ x: Int64) { withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) } }
        for (value, type) in zip(row, types) {
            if case .null = value {
                out.append(0)
                continue
            }
            out.append(1)
            switch (type, value) {
            case (.bool, .bool(let b)): out.append(b ? 1 : 0)
            case (.int64, .int64(let x)), (.timestamp, .timestamp(let x)): put(x)
            case (.date, .date(let d)): put(Int64(d))
            case (.double, .double(var d)):
                if d == 0 { d = 0 } else if d.isNaN { d = .nan }
                put(Int64(bitPattern: d.bitPattern))
            case (.string, .string(let s)):
                put(Int64(s.utf8.count))
                out.append(contentsOf: s.utf8)
            default:
                preconditionFailure("\(value) is not a \(type) key value")
            }
        }
        return out
    }

    /// The values of a well-formed key of `types`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, types: [DataType]) -> [Value] {
        let columns = columns(types: types, count: 1) { _ in bytes }
        return columns.map { $0[0] }
    }

    /// Why `bytes` is not a key of `types`, or nil if it is; reads lengths only, builds nothing.
    public static func problem(in bytes: UnsafeRawBufferPointer, types: [DataType]) -> String? {
        var at = 0
        for (i, type) in types.enumerated() {
            guard at < bytes.count else { return "field \(i) (\(type)) is missing" }
            let validity = bytes[at]
            at += 1
            guard validity <= 1 else { return "field \(i) has validity byte \(validity)" }
            if validity == 0 { continue }
            switch type {
            case .bool:
                guard at < bytes.count, bytes[at] <= 1 else { return "field \(i) (bool) is truncated or invalid" }
                at += 1
            case .int64, .timestamp, .date, .double:
                guard bytes.count - at >= 8 else { return "field \(i) (\(type)) is truncated" }
                if type == .date, Int32(exactly: load(bytes, at)) == nil { return "field \(i) (date) is out of range" }
                at += 8
            case .string:
                guard bytes.count - at >= 8 else { return "field \(i) (string) is truncated" }
                let n = load(bytes, at)
                at += 8
                guard n >= 0, n <= bytes.count - at else { return "field \(i) (string) is truncated" }
                at += Int(n)
            }
        }
        return at == bytes.count ? nil : "\(bytes.count - at) unexpected trailing bytes"
    }

    /// Field `field` of a well-formed key as an int64 (timestamps, int64s, dates), nil when it is
    /// null; skips the fields before it by their lengths, decoding nothing else.
    public static func int64Field(_ field: Int, of bytes: UnsafeRawBufferPointer, types: [DataType]) -> Int64? {
        var at = 0
        for i in 0..<field {
            let valid = bytes[at] != 0
            at += 1
            guard valid else { continue }
            switch types[i] {
            case .bool: at += 1
            case .int64, .timestamp, .date, .double: at += 8
            case .string: at += 8 + Int(load(bytes, at))
            }
        }
        guard bytes[at] != 0 else { return nil }
        return load(bytes, at + 1)
    }

    /// The bytes a key of `types` ends with when its last field is a valid 8-byte value: 9.
    /// Keys whose last field is a fixed-width value can be split into "the other fields" and
    /// that value without decoding (session windows: the keys, then the session start).
    public static let trailingFixedFieldSize = 9

    @inline(__always)
    static func load(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
        Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }
}
