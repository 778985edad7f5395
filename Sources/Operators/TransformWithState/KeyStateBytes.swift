/// Appends and reads the framing of a key's stored state (`KeyState`): LEB128 lengths,
/// little-endian integers, length-prefixed byte strings. Reads return nil past the end, so a
/// damaged record is reported, never trapped on.
struct KeyStateWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func varint(_ x: Int) {
        var v = UInt64(x)
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func int64(_ x: Int64) { withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) } }

    mutating func optionalInt64(_ x: Int64?) {
        byte(x == nil ? 0 : 1)
        if let x { int64(x) }
    }

    mutating func data(_ d: [UInt8]) {
        varint(d.count)
        bytes.append(contentsOf: d)
    }
}

struct KeyStateReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() -> Int? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while let b = byte() {
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result <= UInt64(Int.max >> 1) ? Int(result) : nil }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    mutating func int64() -> Int64? {
        guard bytes.count - offset >= 8 else { return nil }
        var x: UInt64 = 0
        for i in 0..<8 { x |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return Int64(bitPattern: x)
    }

    /// nil: malformed; .some(nil): absent.
    mutating func optionalInt64() -> Int64?? {
        switch byte() {
        case 0: return .some(nil)
        case 1: return int64().map { .some($0) }
        default: return nil
        }
    }

    mutating func data() -> [UInt8]? {
        guard let n = varint(), n <= bytes.count - offset else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
}
