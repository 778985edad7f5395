/// Hashes that give the same value in every process, on every run and machine.
///
/// Swift's `Hasher` is randomly seeded per process, so anything persisted or used to
/// route keys to partitions across restarts must use this instead.
public enum StableHash {
    /// xxHash64 of `bytes` (the published algorithm, so values match other implementations).
    /// Inlinable: the join and the aggregation hash every row's key from other modules.
    @inlinable
    public static func xxHash64(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        var i = 0
        var h: UInt64
        if count >= 32 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            while i + 32 <= count {
                v1 = round(v1, load64(bytes, i))
                v2 = round(v2, load64(bytes, i + 8))
                v3 = round(v3, load64(bytes, i + 16))
                v4 = round(v4, load64(bytes, i + 24))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(h, v1); h = merge(h, v2); h = merge(h, v3); h = merge(h, v4)
        } else {
            h = seed &+ p5
        }
        h &+= UInt64(count)
        while i + 8 <= count {
            h ^= round(0, load64(bytes, i))
            h = rotl(h, 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= count {
            h ^= UInt64(bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian) &* p1
            h = rotl(h, 23) &* p2 &+ p3
            i += 4
        }
        while i < count {
            h ^= UInt64(bytes[i]) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        h ^= h >> 33; h &*= p2
        h ^= h >> 29; h &*= p3
        h ^= h >> 32
        return h
    }

    /// xxHash64 of `bytes`.
    public static func xxHash64(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { xxHash64($0, seed: seed) }
    }

    @inlinable static var p1: UInt64 { 0x9E37_79B1_85EB_CA87 }
    @inlinable static var p2: UInt64 { 0xC2B2_AE3D_27D4_EB4F }
    @inlinable static var p3: UInt64 { 0x1656_67B1_9E37_79F9 }
    @inlinable static var p4: UInt64 { 0x85EB_CA77_C2B2_AE63 }
    @inlinable static var p5: UInt64 { 0x27D4_EB2F_1656_67C5 }

    @inlinable @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inlinable @inline(__always) static func load64(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        b.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
    }

    @inlinable @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inlinable @inline(__always) static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* p1 &+ p4
    }
}
