import Columnar

/// One partition's entries: keys interned in a `GroupKeyTable` (the aggregation's own hash
/// table, over the same key bytes), values by key id, plus the byte total behind the memory
/// estimate. A removed key keeps its id with no value; once most ids are dead the table is
/// rebuilt from the live entries, so evicted windows do not accumulate.
struct StatePartition: Sendable {
    private(set) var keys = GroupKeyTable(capacity: 16)
    /// Indexed by key id; nil = no entry.
    private(set) var values: [[UInt8]?] = []
    private(set) var count = 0
    private(set) var payloadBytes = 0

    /// The value of `key` (hashed to `hash` by `GroupKeyTable.hash`), or nil.
    @inline(__always)
    func value(_ key: UnsafeRawBufferPointer, hash: UInt64) -> [UInt8]? {
        let id = keys.find(key, hash: hash)
        return id < 0 ? nil : values[id]
    }

    /// The id of `key`, adding it (without a value) if new.
    @inline(__always)
    mutating func id(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        let id = Int(keys.findOrInsert(key, hash: hash))
        if id == values.count { values.append(nil) }
        return id
    }

    /// Sets (or with nil removes) the value of key `id`, returning the previous one.
    @discardableResult
    mutating func set(id: Int, _ value: [UInt8]?) -> [UInt8]? {
        let old = values[id]
        let keySize = keys.withKey(id) { $0.count }
        switch (old, value) {
        case (nil, let new?): count += 1; payloadBytes += keySize + new.count
        case (let was?, nil): count -= 1; payloadBytes -= keySize + was.count
        case (let was?, let new?): payloadBytes += new.count - was.count
        case (nil, nil): break
        }
        values[id] = value
        return old
    }

    /// Sets or removes `key`, returning the previous value.
    @discardableResult
    mutating func set(_ key: UnsafeRawBufferPointer, _ value: [UInt8]?) -> [UInt8]? {
        let hash = GroupKeyTable.hash(key)
        if value == nil {
            let existing = keys.find(key, hash: hash)
            return existing < 0 ? nil : set(id: existing, nil)
        }
        return set(id: id(key, hash: hash), value)
    }

    /// Calls `body` with every live entry's id, key and value, in id order.
    func forEach(_ body: (Int, UnsafeRawBufferPointer, [UInt8]) throws -> Void) rethrows {
        for id in values.indices {
            guard let v = values[id] else { continue }
            try keys.withKey(id) { try body(id, $0, v) }
        }
    }

    /// Live key ids sorted by their key bytes: the order files list entries in, so the same
    /// state gives the same bytes whatever order it was built in.
    func idsSortedByKey(_ ids: [Int]) -> [Int] {
        ids.sorted { a, b in
            keys.withKey(a) { ka in keys.withKey(b) { kb in Self.precedes(ka, kb) } }
        }
    }

    /// Rebuilds the table from the live entries once more than half of the ids are dead; ids
    /// change, so callers must not hold any across this.
    mutating func compactIfSparse() {
        guard values.count >= 64, count * 2 < values.count else { return }
        var rebuilt = StatePartition()
        rebuilt.keys = GroupKeyTable(capacity: Swift.max(16, count))
        rebuilt.values.reserveCapacity(count)
        forEach { old, key, value in
            let id = rebuilt.id(key, hash: keys.hash(of: old))
            rebuilt.set(id: id, value)
        }
        self = rebuilt
    }

    /// Byte-wise lexicographic order of two keys.
    static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = Swift.min(a.count, b.count)
        if common > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, common)
            if c != 0 { return c < 0 }
        }
        return a.count < b.count
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
