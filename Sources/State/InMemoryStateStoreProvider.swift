import Columnar
import Synchronization

/// The simplest `StateStoreProvider`: every committed version kept whole in memory, nothing
/// durable. For state that lives as long as one run and is never restarted from: a replay's
/// (backfill runs once, in one process) and tests'. The newest two versions are kept, so the
/// batch being run can still be redone from the version it loaded.
public final class InMemoryStateStoreProvider: StateStoreProvider {
    public let keySchema: Schema
    public let valueSchema: Schema
    public let numPartitions: Int
    private let versions = Mutex<[Int64: [[UInt8]: [UInt8]]]>([0: [:]])

    public init(keySchema: Schema, valueSchema: Schema, numPartitions: Int = 2) {
        self.keySchema = keySchema
        self.valueSchema = valueSchema
        self.numPartitions = numPartitions
    }

    public func load(version: Int64) throws -> any StateStore {
        guard let entries = versions.withLock({ $0[version] }) else {
            throw StateStoreError.missingFile(path: "memory", version: version)
        }
        return Store(provider: self, version: version, entries: entries)
    }

    /// Forgets every version but the newest two.
    public func maintenance() throws -> Int {
        return versions.withLock { v in
            let doomed = v.keys.sorted().dropLast(2)
            for d in doomed { v[d] = nil }
            return doomed.count
        }
    }

    public func close() throws {}

    /// The committed versions still held.
    public var heldVersions: [Int64] { versions.withLock { $0.keys.sorted() } }

    fileprivate func commit(_ entries: [[UInt8]: [UInt8]], as version: Int64) {
        versions.withLock { $0[version] = entries }
        // No background task: maintain on every commit.
        _ = try? maintenance()
    }

    struct Store: StateStore {
        let provider: InMemoryStateStoreProvider
        let version: Int64
        var entries: [[UInt8]: [UInt8]]
        var committedVersion: Int64?
        var updates = 0, removals = 0

        init(provider: InMemoryStateStoreProvider, version: Int64, entries: [[UInt8]: [UInt8]]) {
            self.provider = provider
            self.version = version
            self.entries = entries
        }

        var keySchema: Schema { provider.keySchema }
        var valueSchema: Schema { provider.valueSchema }
        var numPartitions: Int { provider.numPartitions }
        var metrics: StateStoreMetrics {
            StateStoreMetrics(
                numRowsTotal: entries.count, numRowsUpdated: updates, numRowsRemoved: removals,
                memoryUsedBytes: entries.reduce(0) { $0 + $1.key.count + $1.value.count })
        }

        func partition(ofKey key: UnsafeRawBufferPointer) -> Int { Int(StableHash.xxHash64(key) % UInt64(numPartitions)) }
        func value(forKey key: UnsafeRawBufferPointer) -> [UInt8]? { entries[Array(key)] }

        mutating func put(key: UnsafeRawBufferPointer, value: [UInt8]) throws {
            try requireOpen()
            entries[Array(key)] = value
            updates += 1
        }

        mutating func update(key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> [UInt8]?) throws -> Bool {
            try requireOpen()
            let k = Array(key)
            let new: [UInt8]?
            if let old = entries[k] { new = try old.withUnsafeBytes { try body($0) } } else { new = try body(nil) }
            guard let new else { return false }
            entries[k] = new
            updates += 1
            return true
        }

        mutating func remove(key: UnsafeRawBufferPointer) throws -> Bool {
            try requireOpen()
            guard entries.removeValue(forKey: Array(key)) != nil else { return false }
            removals += 1
            return true
        }

        func forEachEntry(inPartition partition: Int?, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) rethrows {
            for (k, v) in entries {
                try k.withUnsafeBytes { kb in
                    guard partition == nil || self.partition(ofKey: kb) == partition else { return }
                    try v.withUnsafeBytes { try body(kb, $0) }
                }
            }
        }

        mutating func removeAll(whereBytes shouldRemove: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws -> Int {
            try requireOpen()
            var doomed: [[UInt8]] = []
            for (k, v) in entries where try k.withUnsafeBytes({ kb in try v.withUnsafeBytes { try shouldRemove(kb, $0) } }) {
                doomed.append(k)
            }
            for k in doomed { entries[k] = nil }
            removals += doomed.count
            return doomed.count
        }

        mutating func commit() throws -> Int64 {
            try requireOpen()
            committedVersion = version + 1
            provider.commit(entries, as: version + 1)
            return version + 1
        }

        mutating func abort() {}

        private func requireOpen() throws {
            if let committedVersion {
                throw StateStoreError.notUpdatable(directory: "memory", version: version, state: "committed as version \(committedVersion)")
            }
        }
    }
}
