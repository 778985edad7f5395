import Columnar

/// One version of an operator's state, open for the changes of one batch.
///
/// Obtained from `StateStoreProvider.load(version:)`; `commit()` writes the changes as
/// version `version + 1`, `abort()` drops them. Use from one thread at a time. After a
/// commit or abort the store stays readable; drop it before loading the next version, or
/// that version's first change copies the maps the two stores share.
public struct StateStore: Sendable {
    /// The version this store was loaded at.
    public let version: Int64
    /// The provider that loaded this store and commits it.
    public let provider: StateStoreProvider

    private var partitions: [StatePartition]
    /// For every key changed since loading, its value at load time: enough both to undo
    /// (abort) and to write only net changes (commit).
    private var originals: [[StateRowBytes: StateOriginal]]
    private var phase = Phase.updating
    private var updates = 0
    private var removals = 0

    private enum Phase: Sendable {
        case updating
        case committed(Int64)
        case aborted
    }

    init(provider: StateStoreProvider, version: Int64, partitions: [StatePartition]) {
        self.provider = provider
        self.version = version
        self.partitions = partitions
        self.originals = Array(repeating: [:], count: partitions.count)
    }

    /// The number of partitions, as fixed in the checkpoint.
    public var numPartitions: Int { partitions.count }

    /// The version `commit()` produced, or nil if the store has not been committed.
    public var committedVersion: Int64? {
        if case .committed(let v) = phase { return v }
        return nil
    }

    /// The value stored for `key`, or nil.
    public func get(key: [Value]) throws -> [Value]? {
        let k = StateRowBytes(try provider.keyCodec.encode(key))
        guard let v = partitions[provider.partition(of: k)].map[k] else { return nil }
        return try provider.valueCodec.decode(v.bytes)
    }

    /// Sets the value for `key`, replacing any previous one.
    public mutating func put(key: [Value], value: [Value]) throws {
        try requireUpdating()
        let k = StateRowBytes(try provider.keyCodec.encode(key))
        let v = StateRowBytes(try provider.valueCodec.encode(value))
        set(k, v, partition: provider.partition(of: k))
        updates += 1
    }

    /// Reads and writes `key` with one encoding and lookup of the key: `body` gets the stored
    /// value (nil if none) and returns the value to store, or nil to leave the entry as it is.
    /// Returns whether it stored a value.
    @discardableResult
    public mutating func update(key: [Value], _ body: ([Value]?) throws -> [Value]?) throws -> Bool {
        try requireUpdating()
        let k = StateRowBytes(try provider.keyCodec.encode(key))
        let p = provider.partition(of: k)
        let stored = try partitions[p].map[k].map { try provider.valueCodec.decode($0.bytes) }
        guard let value = try body(stored) else { return false }
        set(k, StateRowBytes(try provider.valueCodec.encode(value)), partition: p)
        updates += 1
        return true
    }

    /// Removes `key`; returns whether it was present.
    @discardableResult
    public mutating func remove(key: [Value]) throws -> Bool {
        try requireUpdating()
        let k = StateRowBytes(try provider.keyCodec.encode(key))
        guard set(k, nil, partition: provider.partition(of: k)) != nil else { return false }
        removals += 1
        return true
    }

    /// Removes every entry for which `shouldRemove` is true (e.g. windows behind the
    /// watermark) and returns how many it removed.
    @discardableResult
    public mutating func removeAll(where shouldRemove: (StateEntry) throws -> Bool) throws -> Int {
        try requireUpdating()
        var removed = 0
        for p in partitions.indices {
            // Collect first: removing while iterating would copy the map being iterated.
            var doomed: [StateRowBytes] = []
            for (k, v) in partitions[p].map where try shouldRemove(entry(k, v)) { doomed.append(k) }
            for k in doomed { set(k, nil, partition: p) }
            removed += doomed.count
        }
        removals += removed
        return removed
    }

    /// Every entry, in no particular order.
    public func entries() -> StateEntries { entries(partitions[...]) }

    /// The entries of one partition, in no particular order.
    public func entries(inPartition partition: Int) -> StateEntries {
        entries(partitions[partition...partition])
    }

    /// Writes the changes as version `version + 1` and returns that version. Committing the
    /// same version again (a replayed batch) atomically replaces its files.
    public mutating func commit() throws -> Int64 {
        try requireUpdating()
        let next = version + 1
        try provider.write(version: next, partitions: partitions, changes: originals)
        originals = Array(repeating: [:], count: partitions.count)
        phase = .committed(next)
        provider.keep(partitions, version: next)
        return next
    }

    /// Drops the uncommitted changes; does nothing after a commit.
    public mutating func abort() {
        guard case .updating = phase else { return }
        for p in originals.indices {
            for (k, original) in originals[p] { partitions[p].set(k, original.value) }
        }
        originals = Array(repeating: [:], count: partitions.count)
        updates = 0
        removals = 0
        phase = .aborted
        provider.keep(partitions, version: version)
    }

    /// Sizes and change counts for progress reports.
    public var metrics: StateStoreMetrics {
        var rows = 0, bytes = 0
        for p in partitions {
            rows += p.map.count
            bytes += p.payloadBytes
        }
        return StateStoreMetrics(
            numRowsTotal: rows, numRowsUpdated: updates, numRowsRemoved: removals,
            memoryUsedBytes: bytes + rows * StateStoreMetrics.estimatedBytesPerEntry)
    }

    @discardableResult
    private mutating func set(_ key: StateRowBytes, _ value: StateRowBytes?, partition p: Int) -> StateRowBytes? {
        let old = partitions[p].set(key, value)
        if originals[p][key] == nil { originals[p][key] = StateOriginal(value: old) }
        return old
    }

    private func requireUpdating() throws {
        let done: String
        switch phase {
        case .updating: return
        case .committed(let v): done = "committed as version \(v)"
        case .aborted: done = "aborted"
        }
        throw StateStoreError.notUpdatable(directory: provider.directory, version: version, state: done)
    }

    private func entries(_ slice: ArraySlice<StatePartition>) -> StateEntries {
        StateEntries(partitions: slice, keyCodec: provider.keyCodec, valueCodec: provider.valueCodec)
    }

    private func entry(_ k: StateRowBytes, _ v: StateRowBytes) -> StateEntry {
        StateEntry(key: provider.keyCodec.decodeStored(k), value: provider.valueCodec.decodeStored(v))
    }
}

/// A key's value when its store was loaded (nil: absent).
struct StateOriginal: Sendable {
    let value: StateRowBytes?
}
