/// A bounds-checked read position in a byte buffer. Every read of untrusted bytes in the
/// Parquet reader goes through here (or checks its own bounds first), so a truncated or
/// corrupt file throws instead of reading out of range.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw ParquetError.corrupt("unexpected end of data") }
        let b = bytes[position]
        position += 1
        return b
    }

    /// The next `count` bytes, without copying.
    mutating func read(count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else {
            throw ParquetError.corrupt("needs \(count) bytes but only \(remaining) remain")
        }
        let r = UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
        position += count
        return r
    }

    /// Everything not read yet.
    mutating func readRest() -> UnsafeRawBufferPointer {
        let r = UnsafeRawBufferPointer(rebasing: bytes[position...])
        position = bytes.count
        return r
    }

    mutating func skip(_ count: Int) throws { _ = try read(count: count) }

    mutating func readUInt32LE() throws -> UInt32 {
        let b = try read(count: 4)
        return UInt32(littleEndian: b.loadUnaligned(as: UInt32.self))
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarUInt() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            guard shift < 64, shift < 63 || b <= 1 else { throw ParquetError.corrupt("varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A zigzag-encoded signed varint.
    mutating func readZigZag() throws -> Int64 {
        let u = try readVarUInt()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
}

extension Array where Element == UInt8 {
    /// Appends the little-endian bytes of a fixed-width integer.
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends an unsigned LEB128 varint.
    @inline(__always)
    mutating func appendVarUInt(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }
}

/// Bits needed to represent `v` (0 for 0).
@inline(__always)
func bitLength(_ v: UInt64) -> Int { 64 - v.leadingZeroBitCount }
