#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Assigns a dense id to each distinct key, where a key is the bytes `GroupKeyBatch` writes for
/// one row. Keys live in one arena and the table is open addressing over it, so looking up a row
/// allocates nothing; `columns(types:)` hands the keys back as columns (DataFusion's
/// `GroupValues` intern and emit, in miniature). Ids are never reused: a user that forgets keys
/// (the state store) rebuilds the table when too many are dead.
public struct GroupKeyTable: Sendable {
    // Visible to the inlinable lookups: the join and the aggregation call them once per row from
    // other modules, and a call per row measured 3 % more instructions for the join.
    @usableFromInline var arena: [UInt8] = []
    @usableFromInline var offsets: [Int] = [0]
    @usableFromInline var hashes: [UInt64] = []
    @usableFromInline var slots: [Int32]
    @usableFromInline var mask: Int

    public init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [Int32](repeating: -1, count: n)
        mask = n - 1
    }

    /// The number of keys; ids are `0..<count`.
    public var count: Int { hashes.count }

    /// Bytes of all keys together (for memory estimates).
    public var keyBytes: Int { arena.count }

    /// The hash the table files `key` under: xxHash64 with seed 0, stable across processes, so
    /// the state store also uses it to choose a key's partition.
    @inlinable @inline(__always)
    public static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 { StableHash.xxHash64(key) }

    /// The id of `key`, adding it if new.
    @inlinable @inline(__always)
    public mutating func findOrInsert(_ key: UnsafeRawBufferPointer) -> Int32 {
        findOrInsert(key, hash: Self.hash(key))
    }

    /// The id of `key`, whose `hash(_:)` is `hash`, adding it if new.
    @inlinable @inline(__always)
    public mutating func findOrInsert(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
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

    /// The id of `key`, or -1 if it was never inserted.
    @inlinable @inline(__always)
    public func find(_ key: UnsafeRawBufferPointer) -> Int { find(key, hash: Self.hash(key)) }

    /// The id of `key`, whose `hash(_:)` is `hash`, or -1 if it was never inserted.
    @inlinable @inline(__always)
    public func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s < 0 { return -1 }
            if hashes[Int(s)] == hash && equals(Int(s), key) { return Int(s) }
            i = (i + 1) & mask
        }
    }

    /// Calls `body` with the bytes of key `id`.
    @inlinable @inline(__always)
    public func withKey<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[id], end = offsets[id + 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The hash of key `id`.
    @inlinable @inline(__always)
    public func hash(of id: Int) -> UInt64 { hashes[id] }

    /// Keys `ids` (all, in id order, when nil) decoded into one column per field of `types`.
    public func columns(types: [DataType], ids: [Int]? = nil) -> [Column] {
        arena.withUnsafeBytes { a in
            offsets.withUnsafeBufferPointer { o in
                GroupKeyLayout.columns(types: types, count: ids?.count ?? count) { k in
                    let id = ids?[k] ?? k
                    return UnsafeRawBufferPointer(rebasing: a[o[id]..<o[id + 1]])
                }
            }
        }
    }

    @inlinable @inline(__always)
    func equals(_ g: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[g], end = offsets[g + 1]
        guard end - start == key.count else { return false }
        return arena.withUnsafeBytes { a in
            key.count == 0 || memcmp(a.baseAddress! + start, key.baseAddress!, key.count) == 0
        }
    }

    @usableFromInline
    mutating func grow() {
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
