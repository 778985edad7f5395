/// Type codes of the Thrift compact protocol, as used in field and list headers.
enum ThriftType: UInt8 {
    case boolTrue = 1
    case boolFalse = 2
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12
}

/// Serialises Thrift structs in the compact protocol (the encoding of every Parquet header
/// and of the footer). Fields must be written in increasing id order within a struct.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldID = 0
    // Field-id deltas restart at 0 in each nested struct; the parent's last id comes back after it.
    private var enclosingFieldIDs: [Int] = []

    init() {}

    mutating func varint(_ v: UInt64) { bytes.appendVarUInt(v) }

    mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    private mutating func fieldHeader(_ type: ThriftType, _ id: Int) {
        let delta = id - lastFieldID
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta << 4) | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastFieldID = id
    }

    mutating func bool(_ id: Int, _ v: Bool) { fieldHeader(v ? .boolTrue : .boolFalse, id) }

    mutating func i8(_ id: Int, _ v: Int8) {
        fieldHeader(.i8, id)
        bytes.append(UInt8(bitPattern: v))
    }

    mutating func i16(_ id: Int, _ v: Int16) {
        fieldHeader(.i16, id)
        zigzag(Int64(v))
    }

    mutating func i32(_ id: Int, _ v: Int32) {
        fieldHeader(.i32, id)
        zigzag(Int64(v))
    }

    mutating func i64(_ id: Int, _ v: Int64) {
        fieldHeader(.i64, id)
        zigzag(v)
    }

    mutating func binary(_ id: Int, _ v: [UInt8]) {
        fieldHeader(.binary, id)
        binaryElement(v)
    }

    mutating func string(_ id: Int, _ v: String) { binary(id, Array(v.utf8)) }

    /// A struct-valued field whose fields `body` writes.
    mutating func structField(_ id: Int, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(.structure, id)
        structValue(body)
    }

    /// A struct as a list element or as the top-level value: its fields, then the stop byte.
    mutating func structValue(_ body: (inout ThriftCompactWriter) -> Void) {
        enclosingFieldIDs.append(lastFieldID)
        lastFieldID = 0
        body(&self)
        bytes.append(0)
        lastFieldID = enclosingFieldIDs.removeLast()
    }

    /// A list field of `count` elements of `elementType`, which `body` writes with the
    /// `...Element` / `structValue` methods.
    mutating func listField(_ id: Int, _ elementType: ThriftType, count: Int, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(.list, id)
        if count < 15 {
            bytes.append(UInt8(count << 4) | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            varint(UInt64(count))
        }
        body(&self)
    }

    mutating func i32Element(_ v: Int32) { zigzag(Int64(v)) }

    mutating func binaryElement(_ v: [UInt8]) {
        varint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }

    mutating func stringElement(_ v: String) { binaryElement(Array(v.utf8)) }
}
