#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distinct byte strings of one column chunk, kept already PLAIN-encoded (so the buffer
/// is the dictionary page body) and indexed by an open-addressing hash table.
struct ByteArrayDictionary {
    /// Entries as PLAIN BYTE_ARRAY values: 4-byte length, then the bytes.
    private(set) var plain: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { starts.count }

    /// Bytes of the dictionary page body.
    var plainSize: Int { plain.count }

    /// The index of `value`, adding it first if it is new.
    @inline(__always)
    mutating func index(of value: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        let h = Self.hash(value)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[slot])
            if e < 0 { break }
            if hashes[e] == h && lengths[e] == value.count && equals(e, value) { return (e, false) }
            slot = (slot + 1) & mask
        }
        let e = starts.count
        plain.appendLittleEndian(UInt32(value.count))
        starts.append(plain.count)
        lengths.append(value.count)
        hashes.append(h)
        plain.append(contentsOf: value)
        slots[slot] = Int32(e)
        if count * 2 > slots.count { grow() }
        return (e, true)
    }

    /// Calls `body` with the bytes of entry `i`.
    func withEntry<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        plain.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[starts[i]..<starts[i] + lengths[i]])) }
    }

    @inline(__always)
    private func equals(_ e: Int, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count > 0 else { return true }
        return plain.withUnsafeBufferPointer { p in memcmp(p.baseAddress! + starts[e], value.baseAddress!, value.count) == 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (e, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(e)
        }
    }

    /// A fast non-cryptographic hash, eight bytes at a time.
    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(p)
        let n = raw.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }
}
