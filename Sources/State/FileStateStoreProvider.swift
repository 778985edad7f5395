import Columnar
import Formats
import Synchronization

/// The default `StateStoreProvider`: state as delta and snapshot files under the query's
/// checkpoint, modelled on Spark's HDFS-backed state store.
///
/// Keys are spread over `numPartitions` partitions by the stable hash of their bytes. Each
/// commit writes `<partition>/<version>.delta` for every partition; versions divisible by
/// `snapshotInterval` also get `<partition>/<version>.snapshot`, which bound the deltas a load
/// reads. Loading a version reads the latest snapshot at or below it plus the deltas after.
/// The last committed version stays in memory, so a process running batch after batch never
/// reads its own files back.
///
/// With a `StateMaintenanceTask`, snapshots and the deletion of old files run on that task's
/// thread, off the commit path (Spark's `doMaintenance`): a commit writes only its deltas, and
/// at each snapshot version hands `maintenance()` to the task, which builds the snapshot from
/// the files already durable. Without one (tools, tests, replays), a commit writes its
/// snapshots itself and old files go only when `maintenance()` is called.
public final class FileStateStoreProvider: StateStoreProvider {
    /// Which stateful operator of the query this state belongs to; names its directory.
    public let operatorId: Int
    public let keySchema: Schema
    public let valueSchema: Schema
    /// Fixed by the first run that committed state here; later runs use the stored number
    /// whatever they configure, because moving keys between partitions would lose them.
    public let numPartitions: Int
    /// Every version divisible by this also gets snapshot files, bounding the deltas a load reads.
    public let snapshotInterval: Int
    /// How many of the latest versions `maintenance()` keeps loadable.
    public let minVersionsToRetain: Int
    /// Where snapshots and cleanup run; nil: on the committing thread (see above).
    public let maintenanceTask: StateMaintenanceTask?

    let layout: StateLayout
    /// Records each file written by a commit or maintenance (crash testing); nil normally.
    let trace: PhaseTrace?
    let keyCodec: StateKeyCodec
    let valueCodec: RowCodec
    private let shared: Mutex<Shared>
    /// Held while files are listed and read for a load, and while maintenance lists and deletes
    /// them, so a load never finds a file gone that it listed. Commits and snapshot writes only
    /// add files (each atomically), so they need not hold it.
    let filesLock = Mutex(())

    private struct Shared: Sendable {
        /// True once `_metadata` and the partition directories are known to exist.
        var prepared: Bool
        /// The state after the last commit (or abort) through this provider, handed to the
        /// next `load` of that version instead of reading files.
        var cached: (version: Int64, partitions: [StatePartition])?
        /// The newest version committed through this provider.
        var lastCommitted: Int64?
    }

    /// Opens the state of operator `operatorId` under `checkpointRoot`. Fails if state
    /// written earlier has incompatible key or value schemas or an older format. `trace`, if
    /// given, records each delta and snapshot file written, as the phases of batch `version - 1`.
    public init(
        checkpointRoot: String, operatorId: Int, keySchema: Schema, valueSchema: Schema,
        configuredPartitions: Int, snapshotInterval: Int = 10, minVersionsToRetain: Int = 100,
        maintenanceTask: StateMaintenanceTask? = nil, trace: PhaseTrace? = nil
    ) throws {
        guard operatorId >= 0 else { throw StateStoreError.invalidConfiguration("operatorId is \(operatorId)") }
        guard configuredPartitions >= 1 else {
            throw StateStoreError.invalidConfiguration("number of partitions is \(configuredPartitions); it must be at least 1")
        }
        guard snapshotInterval >= 1 else {
            throw StateStoreError.invalidConfiguration("snapshotInterval is \(snapshotInterval); it must be at least 1")
        }
        guard minVersionsToRetain >= 1 else {
            throw StateStoreError.invalidConfiguration("minVersionsToRetain is \(minVersionsToRetain); it must be at least 1")
        }
        let layout = StateLayout(checkpointRoot: checkpointRoot, operatorId: operatorId)
        let stored = try StateMetadata.read(layout.metadataPath)
        try stored?.checkCompatible(keySchema: keySchema, valueSchema: valueSchema, directory: layout.directory)
        self.layout = layout
        self.operatorId = operatorId
        self.keySchema = keySchema
        self.valueSchema = valueSchema
        self.numPartitions = stored?.numPartitions ?? configuredPartitions
        self.snapshotInterval = snapshotInterval
        self.minVersionsToRetain = minVersionsToRetain
        self.maintenanceTask = maintenanceTask
        self.trace = trace
        self.keyCodec = StateKeyCodec(keySchema)
        self.valueCodec = RowCodec(valueSchema, normalizesDoubles: false)
        self.shared = Mutex(Shared(prepared: false, cached: nil, lastCommitted: nil))
    }

    /// `<checkpoint>/state/<operatorId>`.
    public var directory: String { layout.directory }

    public func load(version: Int64) throws -> any StateStore { try loadStore(version: version) }

    /// `load(version:)` with the concrete store type.
    public func loadStore(version: Int64) throws -> FileStateStore {
        guard version >= 0 else { throw StateStoreError.invalidConfiguration("cannot load state version \(version)") }
        let partitions: [StatePartition]
        if let cached = takeCached(version) {
            partitions = cached
        } else if version == 0 {
            partitions = Array(repeating: StatePartition(), count: numPartitions)
        } else {
            partitions = try filesLock.withLock { _ in try readVersion(version) }
        }
        return FileStateStore(provider: self, version: version, partitions: partitions)
    }

    /// The partition that `key` (a row of the key schema) belongs to.
    public func partition(ofKey key: [Value]) throws -> Int {
        try keyCodec.encode(key).withUnsafeBytes { partition(hash: GroupKeyTable.hash($0)) }
    }

    @inline(__always)
    func partition(hash: UInt64) -> Int { Int(hash % UInt64(numPartitions)) }

    public func close() throws { try maintenanceTask?.waitUntilIdle() }

    // MARK: - Used by FileStateStore

    /// Writes version `version`: a delta of the net `changes` for every partition (empty
    /// ones too, so a version is loadable exactly when all its deltas exist), and without a
    /// maintenance task the snapshots if due. Deltas go first so a crash before the snapshots
    /// still leaves a loadable version.
    func write(version: Int64, partitions: [StatePartition], changes: [[Int: StateOriginal]]) throws {
        try prepare()
        // Batch N commits version N+1; the trace speaks in batches, like the rest of the engine.
        let batch = version - 1
        for p in 0..<numPartitions {
            trace?.enter(.stateDelta, batch: batch)
            let partition = partitions[p]
            let changed = partition.idsSortedByKey(changes[p].compactMap { id, original in
                partition.values[id] != original.value ? id : nil
            })
            let bytes = try StateFileFormat.encode(.delta) { records in
                for id in changed {
                    partition.keys.withKey(id) { key in
                        if let v = partition.values[id] { records.put(key, v) } else { records.remove(key) }
                    }
                }
            }
            try layout.storage.writeAtomically(layout.path(.delta, partition: p, version: version), bytes, role: .restricted)
        }
        guard maintenanceTask == nil, isSnapshotVersion(version) else { return }
        for p in 0..<numPartitions {
            trace?.enter(.stateSnapshot, batch: batch)
            try writeSnapshot(partitions[p], partition: p, version: version)
        }
    }

    /// Remembers `partitions` as the state at `version` for the next `load`.
    func keep(_ partitions: [StatePartition], version: Int64) {
        shared.withLock { $0.cached = (version, partitions) }
    }

    /// After version `version` is durable: hands maintenance to the task at snapshot versions,
    /// and reports a failure of earlier background maintenance.
    func didCommit(version: Int64) throws {
        shared.withLock { $0.lastCommitted = Swift.max($0.lastCommitted ?? version, version) }
        guard let maintenanceTask else { return }
        try maintenanceTask.checkFailure()
        if isSnapshotVersion(version) { try maintenanceTask.submit(self) }
    }

    func isSnapshotVersion(_ version: Int64) -> Bool { version % Int64(snapshotInterval) == 0 }

    /// The newest version known committed: through this provider, else the newest version
    /// every partition has a delta of.
    func lastCommittedVersion() throws -> Int64? {
        if let v = shared.withLock({ $0.lastCommitted }) { return v }
        var newest: Int64?
        for p in 0..<numPartitions {
            guard let latest = try layout.versions(partition: p).deltas.max() else { return nil }
            newest = Swift.min(newest ?? latest, latest)
        }
        return newest
    }

    /// Writes `partition`'s entries as the snapshot of version `version`, in key order.
    func writeSnapshot(_ partition: StatePartition, partition p: Int, version: Int64) throws {
        var ids: [Int] = []
        ids.reserveCapacity(partition.count)
        partition.forEach { id, _, _ in ids.append(id) }
        let sorted = partition.idsSortedByKey(ids)
        let bytes = try StateFileFormat.encode(.snapshot) { records in
            for id in sorted { partition.keys.withKey(id) { records.put($0, partition.values[id]!) } }
        }
        try layout.storage.writeAtomically(layout.path(.snapshot, partition: p, version: version), bytes, role: .restricted)
    }

    // MARK: - Private

    /// Moves the cached state out, so the store that receives it holds the only reference and
    /// changes it in place instead of copying every map.
    private func takeCached(_ version: Int64) -> [StatePartition]? {
        shared.withLock { s -> [StatePartition]? in
            guard let cached = s.cached, cached.version == version else { return nil }
            s.cached = nil
            return cached.partitions
        }
    }

    private func prepare() throws {
        try shared.withLock { s in
            if s.prepared { return }
            if let existing = try StateMetadata.read(layout.metadataPath) {
                try existing.checkCompatible(keySchema: keySchema, valueSchema: valueSchema, directory: directory)
                guard existing.numPartitions == numPartitions else {
                    throw StateStoreError.invalidConfiguration(
                        "\(layout.metadataPath) was created meanwhile with \(existing.numPartitions) partitions, "
                            + "not \(numPartitions); only one query may run on a checkpoint at a time")
                }
            } else {
                try layout.storage.createDirectory(directory, role: .restricted)
                try StateMetadata(
                    formatVersion: StateMetadata.currentFormatVersion, operatorId: operatorId,
                    numPartitions: numPartitions, keySchema: keySchema, valueSchema: valueSchema
                ).write(layout.metadataPath)
            }
            for p in 0..<numPartitions { try layout.storage.createDirectory(layout.partitionDirectory(p), role: .restricted) }
            // New directory entries survive a crash only once their parents are synced.
            var dir = directory
            for _ in 0..<3 {
                try layout.storage.syncDirectory(dir)
                dir = FilePaths.parent(dir)
            }
            s.prepared = true
        }
    }

    /// Every partition at `version`, from the files; callers hold `filesLock`.
    private func readVersion(_ version: Int64) throws -> [StatePartition] {
        guard try layout.storage.exists(layout.metadataPath) else {
            throw StateStoreError.missingMetadata(path: layout.metadataPath, version: version)
        }
        return try (0..<numPartitions).map { try readPartition($0, version: version) }
    }

    /// One partition at `version`: the newest snapshot at or below it and the deltas after.
    func readPartition(_ p: Int, version: Int64) throws -> StatePartition {
        let files = try layout.versions(partition: p)
        // A version is committed only once its delta exists: snapshots are written after the
        // deltas, so a snapshot alone may be left by a commit that crashed half-way.
        guard files.deltas.contains(version) else {
            throw StateStoreError.missingFile(path: layout.path(.delta, partition: p, version: version), version: version)
        }
        let base = files.snapshots.filter { $0 <= version }.max() ?? 0
        var state = StatePartition()
        if base > 0 { try readFile(.snapshot, partition: p, version: base, into: &state) }
        var v = base + 1
        while v <= version {
            guard files.deltas.contains(v) else {
                throw StateStoreError.missingFile(path: layout.path(.delta, partition: p, version: v), version: version)
            }
            try readFile(.delta, partition: p, version: v, into: &state)
            v += 1
        }
        return state
    }

    /// Applies one file to `state`, checking every row against the schemas and the partition
    /// so a damaged or misplaced file fails here, naming itself, rather than later.
    private func readFile(_ kind: StateFileKind, partition p: Int, version: Int64, into state: inout StatePartition) throws {
        try StateFileFormat.read(layout.path(kind, partition: p, version: version), kind: kind) { key, value in
            if let problem = keyCodec.problem(in: key) { return "key does not fit \(keySchema): \(problem)" }
            let home = partition(hash: GroupKeyTable.hash(key))
            if home != p { return "key belongs to partition \(home), not \(p)" }
            if let value, let problem = valueCodec.problem(in: value) {
                return "value does not fit \(valueSchema): \(problem)"
            }
            state.set(key, value.map { Array($0) })
            return nil
        }
    }
}
