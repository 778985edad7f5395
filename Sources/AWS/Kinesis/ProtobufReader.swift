/// Just enough of the protobuf wire format ("Encoding", protobuf.dev) to read the KPL's
/// `AggregatedRecord`: varints, length-delimited fields, and skipping the other wire types.
struct ProtobufReader {
    struct Malformed: Error {}

    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case other
    }

    private let bytes: ArraySlice<UInt8>
    private var i: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.i = bytes.startIndex
    }

    var atEnd: Bool { i == bytes.endIndex }

    /// The next field's number and value; throws on truncated or impossible input.
    mutating func next() throws -> (field: UInt64, value: Value) {
        let key = try varint()
        let field = key >> 3
        guard field > 0 else { throw Malformed() }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: try skip(8); return (field, .other)
        case 2:
            let n = try varint()
            guard n <= UInt64(bytes.endIndex - i) else { throw Malformed() }
            let start = i
            i += Int(n)
            return (field, .bytes(bytes[start..<i]))
        case 5: try skip(4); return (field, .other)
        default: throw Malformed()  // groups (3, 4) are not used by the KPL; 6 and 7 do not exist
        }
    }

    private mutating func skip(_ n: Int) throws {
        guard bytes.endIndex - i >= n else { throw Malformed() }
        i += n
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard i < bytes.endIndex, shift < 64 else { throw Malformed() }
            let b = bytes[i]
            i += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }
}
