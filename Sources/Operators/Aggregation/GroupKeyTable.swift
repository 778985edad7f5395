import Columnar
import State

/// Assigns a dense group id to each distinct key, where a key is the bytes `GroupKeyEncoder`
/// writes for one row. Keys live in one arena and the table is open addressing over it, so
/// looking up a row allocates nothing (DataFusion's "row" group values, in miniature).
struct GroupKeyTable {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [Int32](repeating: -1, count: n)
        mask = n - 1
    }

    var count: Int { hashes.count }

    /// The group id of `key`, adding it if new.
    @inline(__always)
    mutating func findOrInsert(_ key: UnsafeRawBufferPointer) -> Int32 {
        let hash = StableHash.xxHash64(key)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s < 0 { break }
            if hashes[Int(s)] == hash && equals(Int(s), key) { return s }
            i = (i + 1) & mask
        }
        let id = Int32(hashes.count)
        slots[i] = id
        hashes.append(hash)
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// The group id of `key`, or -1 if it was never inserted.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Int {
        let hash = StableHash.xxHash64(key)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s < 0 { return -1 }
            if hashes[Int(s)] == hash && equals(Int(s), key) { return Int(s) }
            i = (i + 1) & mask
        }
    }

    private func equals(_ g: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[g], end = offsets[g + 1]
        guard end - start == key.count else { return false }
        return arena.withUnsafeBytes { a in
            key.count == 0 || memcmp(a.baseAddress! + start, key.baseAddress!, key.count) == 0
        }
    }

    private mutating func grow() {
        let n = slots.count * 2
        slots = [Int32](repeating: -1, count: n)
        mask = n - 1
        for (g, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(g)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
