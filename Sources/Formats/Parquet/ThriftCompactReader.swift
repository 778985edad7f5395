/// Decodes Thrift compact-protocol structs from untrusted bytes: every length and count is
/// checked against the bytes left, nesting is bounded, and unknown fields are skipped so
/// footers from newer writers still parse.
struct ThriftCompactReader {
    var cursor: ByteCursor
    private var depth = 0
    static let maxDepth = 64

    init(_ cursor: ByteCursor) { self.cursor = cursor }

    /// Reads one struct, calling `onField` with each field's id and type; `onField` must
    /// consume the value (or call `skip`).
    mutating func readStruct(_ onField: (inout ThriftCompactReader, Int, ThriftType) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw ParquetError.corrupt("thrift structs nested too deeply") }
        var lastID = 0
        while true {
            let header = try cursor.readByte()
            if header == 0 { return }
            guard let type = ThriftType(rawValue: header & 0x0F) else {
                throw ParquetError.corrupt("invalid thrift field type \(header & 0x0F)")
            }
            let delta = Int(header >> 4)
            let id: Int
            if delta == 0 {
                let raw = try cursor.readZigZag()
                guard raw >= Int64(Int16.min), raw <= Int64(Int16.max) else { throw ParquetError.corrupt("thrift field id \(raw) out of range") }
                id = Int(raw)
            } else {
                id = lastID + delta
            }
            lastID = id
            try onField(&self, id, type)
        }
    }

    private static func expect(_ type: ThriftType, _ wanted: ThriftType) throws {
        guard type == wanted else { throw ParquetError.corrupt("thrift field has type \(type), expected \(wanted)") }
    }

    mutating func readBool(_ type: ThriftType) throws -> Bool {
        switch type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw ParquetError.corrupt("thrift field has type \(type), expected bool")
        }
    }

    mutating func readI8(_ type: ThriftType) throws -> Int8 {
        try Self.expect(type, .i8)
        return Int8(bitPattern: try cursor.readByte())
    }

    mutating func readI16(_ type: ThriftType) throws -> Int16 {
        try Self.expect(type, .i16)
        let v = try cursor.readZigZag()
        guard let r = Int16(exactly: v) else { throw ParquetError.corrupt("i16 value \(v) out of range") }
        return r
    }

    mutating func readI32(_ type: ThriftType) throws -> Int32 {
        try Self.expect(type, .i32)
        return try i32Element()
    }

    mutating func readI64(_ type: ThriftType) throws -> Int64 {
        try Self.expect(type, .i64)
        return try cursor.readZigZag()
    }

    mutating func readBinary(_ type: ThriftType) throws -> [UInt8] {
        try Self.expect(type, .binary)
        return try binaryElement()
    }

    mutating func readString(_ type: ThriftType) throws -> String {
        String(decoding: try readBinary(type), as: UTF8.self)
    }

    mutating func i32Element() throws -> Int32 {
        let v = try cursor.readZigZag()
        guard let r = Int32(exactly: v) else { throw ParquetError.corrupt("i32 value \(v) out of range") }
        return r
    }

    mutating func binaryElement() throws -> [UInt8] {
        let n = try cursor.readVarUInt()
        guard n <= UInt64(cursor.remaining) else { throw ParquetError.corrupt("thrift binary of \(n) bytes exceeds the \(cursor.remaining) left") }
        return Array(try cursor.read(count: Int(n)))
    }

    /// Reads a list header of a list-typed field and calls `element` once per element.
    mutating func readList(_ type: ThriftType, _ element: (inout ThriftCompactReader, ThriftType) throws -> Void) throws {
        guard type == .list || type == .set else { throw ParquetError.corrupt("thrift field has type \(type), expected list") }
        let (elementType, count) = try listHeader()
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw ParquetError.corrupt("thrift lists nested too deeply") }
        for _ in 0..<count { try element(&self, elementType) }
    }

    private mutating func listHeader() throws -> (ThriftType, Int) {
        let h = try cursor.readByte()
        guard let elementType = ThriftType(rawValue: h & 0x0F) else { throw ParquetError.corrupt("invalid thrift list element type \(h & 0x0F)") }
        var count = UInt64(h >> 4)
        if count == 15 { count = try cursor.readVarUInt() }
        // Every element takes at least one byte, so a larger count can only be corrupt.
        guard count <= UInt64(cursor.remaining) else { throw ParquetError.corrupt("thrift list of \(count) elements exceeds the \(cursor.remaining) bytes left") }
        return (elementType, Int(count))
    }

    /// Skips a field value of `type`.
    mutating func skip(_ type: ThriftType) throws {
        switch type {
        case .boolTrue, .boolFalse: return
        default: try skipValue(type)
        }
    }

    // List elements of type bool take one byte, unlike bool fields.
    private mutating func skipValue(_ type: ThriftType) throws {
        switch type {
        case .boolTrue, .boolFalse, .i8: try cursor.skip(1)
        case .i16, .i32, .i64: _ = try cursor.readVarUInt()
        case .double: try cursor.skip(8)
        case .binary:
            let n = try cursor.readVarUInt()
            guard n <= UInt64(cursor.remaining) else { throw ParquetError.corrupt("thrift binary of \(n) bytes exceeds the \(cursor.remaining) left") }
            try cursor.skip(Int(n))
        case .list, .set:
            try readList(.list) { r, t in try r.skipValue(t) }
        case .map:
            let n = try cursor.readVarUInt()
            guard n > 0 else { return }
            guard n <= UInt64(cursor.remaining / 2) else { throw ParquetError.corrupt("thrift map of \(n) entries exceeds the bytes left") }
            let kv = try cursor.readByte()
            guard let k = ThriftType(rawValue: kv >> 4), let v = ThriftType(rawValue: kv & 0x0F) else {
                throw ParquetError.corrupt("invalid thrift map types \(kv)")
            }
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw ParquetError.corrupt("thrift maps nested too deeply") }
            for _ in 0..<n {
                try skipValue(k)
                try skipValue(v)
            }
        case .structure:
            try readStruct { r, _, t in try r.skip(t) }
        }
    }
}
