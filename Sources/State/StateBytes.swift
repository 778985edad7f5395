/// Little-endian and LEB128 byte appends for the state file and row formats.
struct StateBytesWriter {
    var bytes: [UInt8]

    init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func append(_ b: UInt8) { bytes.append(b) }

    @inline(__always) mutating func append<T: FixedWidthInteger>(littleEndian x: T) {
        withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func appendVarint(_ x: Int) {
        var v = UInt64(x)
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func append(contentsOf other: [UInt8]) { bytes.append(contentsOf: other) }
}

/// A bounds-checked cursor over bytes; every read returns nil past the end so callers can
/// report malformed input instead of trapping.
struct StateBytesReader {
    let buffer: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var isAtEnd: Bool { offset == buffer.count }
    var remaining: Int { buffer.count - offset }

    @inline(__always) mutating func byte() -> UInt8? {
        guard offset < buffer.count else { return nil }
        defer { offset += 1 }
        return buffer[offset]
    }

    @inline(__always) mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        defer { offset += size }
        return T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A non-negative LEB128 length of at most 2^62, or nil if malformed or truncated.
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

    /// The next `count` bytes, or nil if fewer remain.
    mutating func slice(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }
}
