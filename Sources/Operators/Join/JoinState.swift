import Columnar
import State

/// Both sides' buffered rows of a stream-stream join in one state store, as a multimap:
/// join key → the rows of one side with that key, in arrival order (Spark's
/// `SymmetricHashJoinStateManager`, whose `keyToNumValues` and `keyWithIndexToValue` stores
/// become one store here). An entry's key is `(side, join key…, index)` in the shared
/// `GroupKeyBatch` layout, so the bytes of `(side, join key…)` are a prefix and the index its
/// trailing 9 bytes; the indexes of a key are 0..<n without gaps, so a key's rows are found by
/// looking up index 0, 1, … until one is missing. Counts found or changed in a batch are cached.
struct JoinState {
    var store: any StateStore
    /// Rows per key prefix, as far as this batch has looked them up or changed them.
    private var counts: [ByteKey: Int] = [:]

    init(store: any StateStore) { self.store = store }

    static func entryKey(_ prefix: [UInt8], _ index: Int) -> [UInt8] {
        var k = prefix
        k.append(1)
        withUnsafeBytes(of: Int64(index).littleEndian) { k.append(contentsOf: $0) }
        return k
    }

    /// The side an entry key belongs to (its first field).
    static func side(ofEntry key: UnsafeRawBufferPointer) -> JoinSide {
        key.loadUnaligned(fromByteOffset: 1, as: Int64.self) == 0 ? .left : .right
    }

    /// How many rows `prefix` has; `known` rows (indexes 0..<known) are known to exist, so the
    /// store is probed from there.
    mutating func count(_ prefix: [UInt8], atLeast known: Int = 0) -> Int {
        if let n = counts[ByteKey(prefix)] { return n }
        var n = known
        while Self.entryKey(prefix, n).withUnsafeBytes({ store.value(forKey: $0) }) != nil { n += 1 }
        counts[ByteKey(prefix)] = n
        return n
    }

    /// The value of row `index` of `prefix`.
    func value(_ prefix: [UInt8], _ index: Int) -> [UInt8]? {
        Self.entryKey(prefix, index).withUnsafeBytes { store.value(forKey: $0) }
    }

    mutating func append(_ prefix: [UInt8], _ value: [UInt8]) throws {
        let n = count(prefix)
        try Self.entryKey(prefix, n).withUnsafeBytes { try store.put(key: $0, value: value) }
        counts[ByteKey(prefix)] = n + 1
    }

    mutating func replace(_ prefix: [UInt8], _ index: Int, _ value: [UInt8]) throws {
        try Self.entryKey(prefix, index).withUnsafeBytes { try store.put(key: $0, value: value) }
    }

    /// Removes every entry of `side` for which `shouldRemove(key, value)` holds; the other rows
    /// of a key keep their order and are renumbered from 0. Returns the removed values, ordered
    /// by entry key bytes so the output they become does not depend on the store's layout.
    mutating func removeAll(
        of side: JoinSide, where shouldRemove: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws -> [(key: [UInt8], value: [UInt8])] {
        var removed: [(key: [UInt8], value: [UInt8])] = []
        store.forEachEntry(inPartition: nil) { k, v in
            if Self.side(ofEntry: k) == side, shouldRemove(k, v) { removed.append((Array(k), Array(v))) }
        }
        removed.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var byPrefix: [ByteKey: Set<Int>] = [:]
        for r in removed {
            let prefix = Array(r.key.dropLast(GroupKeyLayout.trailingFixedFieldSize))
            let index = r.key.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: $0.count - 8, as: Int64.self)) }
            byPrefix[ByteKey(prefix), default: []].insert(index)
        }
        for (key, gone) in byPrefix {
            let prefix = key.bytes
            // The removed indexes exist, so the rows reach at least past the highest of them.
            let n = count(prefix, atLeast: gone.max()! + 1)
            if gone.count == n {
                // Every row of the key goes (the usual case): nothing to read or renumber.
                for i in 0..<n { _ = try Self.entryKey(prefix, i).withUnsafeBytes { try store.remove(key: $0) } }
                counts[key] = 0
                continue
            }
            var kept: [(index: Int, value: [UInt8])] = []
            for i in 0..<n where !gone.contains(i) {
                if let v = value(prefix, i) { kept.append((i, v)) }
            }
            for (i, k) in kept.enumerated() where k.index != i { try replace(prefix, i, k.value) }
            for i in kept.count..<n { _ = try Self.entryKey(prefix, i).withUnsafeBytes { try store.remove(key: $0) } }
            counts[ByteKey(prefix)] = kept.count
        }
        return removed
    }
}
