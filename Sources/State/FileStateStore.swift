import Columnar

/// One version of a `FileStateStoreProvider`'s state, open for the changes of one batch.
///
/// After a commit or abort the store stays readable; drop it before loading the next version,
/// or that version's first change copies the partitions the two stores share.
public struct FileStateStore: StateStore {
    public let version: Int64
    /// The provider that loaded this store and commits it.
    public let provider: FileStateStoreProvider

    private var partitions: [StatePartition]
    /// For every key id changed since loading, per partition, its value at load time: enough
    /// both to undo (abort) and to write only net changes (commit). Ids are stable until commit.
    private var originals: [[Int: StateOriginal]]
    private var phase = Phase.updating
    private var updates = 0
    private var removals = 0

    private enum Phase: Sendable {
        case updating
        case committed(Int64)
        case aborted
    }

    init(provider: FileStateStoreProvider, version: Int64, partitions: [StatePartition]) {
        self.provider = provider
        self.version = version
        self.partitions = partitions
        self.originals = Array(repeating: [:], count: partitions.count)
    }

    public var keySchema: Schema { provider.keySchema }
    public var valueSchema: Schema { provider.valueSchema }
    public var numPartitions: Int { partitions.count }

    public var committedVersion: Int64? {
        if case .committed(let v) = phase { return v }
        return nil
    }

    public func partition(ofKey key: UnsafeRawBufferPointer) -> Int {
        provider.partition(hash: GroupKeyTable.hash(key))
    }

    public func value(forKey key: UnsafeRawBufferPointer) -> [UInt8]? {
        let hash = GroupKeyTable.hash(key)
        return partitions[provider.partition(hash: hash)].value(key, hash: hash)
    }

    public mutating func put(key: UnsafeRawBufferPointer, value: [UInt8]) throws {
        try requireUpdating()
        let hash = GroupKeyTable.hash(key)
        let p = provider.partition(hash: hash)
        set(id: partitions[p].id(key, hash: hash), value, partition: p)
        updates += 1
    }

    @discardableResult
    public mutating func update(key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> [UInt8]?) throws -> Bool {
        try requireUpdating()
        let hash = GroupKeyTable.hash(key)
        let p = provider.partition(hash: hash)
        let stored = partitions[p].value(key, hash: hash)
        let new = try stored.withUnsafeBytesIfPresent { try body($0) }
        guard let new else { return false }
        set(id: partitions[p].id(key, hash: hash), new, partition: p)
        updates += 1
        return true
    }

    @discardableResult
    public mutating func remove(key: UnsafeRawBufferPointer) throws -> Bool {
        try requireUpdating()
        let hash = GroupKeyTable.hash(key)
        let p = provider.partition(hash: hash)
        let id = partitions[p].keys.find(key, hash: hash)
        guard id >= 0, set(id: id, nil, partition: p) != nil else { return false }
        removals += 1
        return true
    }

    public func forEachEntry(
        inPartition partition: Int?, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        for p in partition.map({ [$0] }) ?? Array(partitions.indices) {
            try partitions[p].forEach { _, key, value in try value.withUnsafeBytes { try body(key, $0) } }
        }
    }

    @discardableResult
    public mutating func removeAll(
        whereBytes shouldRemove: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws -> Int {
        try requireUpdating()
        var removed = 0
        for p in partitions.indices {
            // Collect first: changing the partition while iterating it would copy it.
            var doomed: [Int] = []
            try partitions[p].forEach { id, key, value in
                if try value.withUnsafeBytes({ try shouldRemove(key, $0) }) { doomed.append(id) }
            }
            for id in doomed { set(id: id, nil, partition: p) }
            removed += doomed.count
        }
        removals += removed
        return removed
    }

    public mutating func commit() throws -> Int64 {
        try requireUpdating()
        let next = version + 1
        try provider.write(version: next, partitions: partitions, changes: originals)
        originals = Array(repeating: [:], count: partitions.count)
        for p in partitions.indices { partitions[p].compactIfSparse() }
        phase = .committed(next)
        provider.keep(partitions, version: next)
        try provider.didCommit(version: next)
        return next
    }

    public mutating func abort() {
        guard case .updating = phase else { return }
        for p in originals.indices {
            for (id, original) in originals[p] { partitions[p].set(id: id, original.value) }
        }
        originals = Array(repeating: [:], count: partitions.count)
        updates = 0
        removals = 0
        phase = .aborted
        provider.keep(partitions, version: version)
    }

    public var metrics: StateStoreMetrics {
        var rows = 0, bytes = 0
        for p in partitions {
            rows += p.count
            bytes += p.payloadBytes
        }
        return StateStoreMetrics(
            numRowsTotal: rows, numRowsUpdated: updates, numRowsRemoved: removals,
            memoryUsedBytes: bytes + rows * StateStoreMetrics.estimatedBytesPerEntry)
    }

    @discardableResult
    private mutating func set(id: Int, _ value: [UInt8]?, partition p: Int) -> [UInt8]? {
        let old = partitions[p].set(id: id, value)
        if originals[p][id] == nil { originals[p][id] = StateOriginal(value: old) }
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
}

/// A key's value when its store was loaded (nil: absent).
struct StateOriginal: Sendable {
    let value: [UInt8]?
}

extension Optional where Wrapped == [UInt8] {
    /// `body` with the bytes of the wrapped array, or with nil.
    func withUnsafeBytesIfPresent<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        guard let self else { return try body(nil) }
        return try self.withUnsafeBytes { try body($0) }
    }
}
