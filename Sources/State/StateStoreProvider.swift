import Columnar
import Formats
import Synchronization

/// Loads and commits the versioned key/value state of one stateful operator under a query's
/// checkpoint, modelled on Spark's HDFS-backed state store.
///
/// Keys are spread over `numPartitions` partitions by a stable hash of their encoded bytes.
/// Each commit writes `<partition>/<version>.delta` for every partition and, every
/// `snapshotInterval` versions, `<partition>/<version>.snapshot`; loading a version reads the
/// latest snapshot at or below it plus the deltas after. The last committed version stays in
/// memory, so a process running batch after batch never reads its own files back.
public final class StateStoreProvider: Sendable {
    /// Which stateful operator of the query this state belongs to; names its directory.
    public let operatorId: Int
    /// The schema of keys; stored in `_metadata` and checked by later runs.
    public let keySchema: Schema
    /// The schema of values; stored in `_metadata` and checked by later runs.
    public let valueSchema: Schema
    /// Fixed by the first run that committed state here; later runs use the stored number
    /// whatever they configure, because moving keys between partitions would lose them.
    public let numPartitions: Int
    /// Every version divisible by this also gets snapshot files, bounding the deltas a load reads.
    public let snapshotInterval: Int
    /// How many of the latest versions `maintenance()` keeps loadable.
    public let minVersionsToRetain: Int

    let layout: StateLayout
    /// Records each file written by a commit (crash testing); nil normally.
    let trace: PhaseTrace?
    let keyCodec: RowCodec
    let valueCodec: RowCodec
    private let shared: Mutex<Shared>

    private struct Shared: Sendable {
        /// True once `_metadata` and the partition directories are known to exist.
        var prepared: Bool
        /// The state after the last commit (or abort) through this provider, handed to the
        /// next `load` of that version instead of reading files.
        var cached: (version: Int64, partitions: [StatePartition])?
    }

    /// Opens the state of operator `operatorId` under `checkpointRoot`. Fails if state
    /// written earlier has incompatible key or value schemas. `trace`, if given, records each
    /// delta and snapshot file a commit writes, as the phases of batch `version - 1`.
    public init(
        checkpointRoot: String, operatorId: Int, keySchema: Schema, valueSchema: Schema,
        configuredPartitions: Int, snapshotInterval: Int = 10, minVersionsToRetain: Int = 100, trace: PhaseTrace? = nil
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
        self.trace = trace
        self.keyCodec = RowCodec(keySchema)
        self.valueCodec = RowCodec(valueSchema, normalizesDoubles: false)
        self.shared = Mutex(Shared(prepared: false, cached: nil))
    }

    /// `<checkpoint>/state/<operatorId>`.
    public var directory: String { layout.directory }

    /// The state as of `version` (0 is the empty state before the first commit), ready for
    /// changes that `commit` turns into `version + 1`.
    public func load(version: Int64) throws -> StateStore {
        guard version >= 0 else { throw StateStoreError.invalidConfiguration("cannot load state version \(version)") }
        let partitions: [StatePartition]
        if let cached = takeCached(version) {
            partitions = cached
        } else if version == 0 {
            partitions = Array(repeating: StatePartition(), count: numPartitions)
        } else {
            partitions = try readVersion(version)
        }
        return StateStore(provider: self, version: version, partitions: partitions)
    }

    /// The partition that `key` belongs to.
    public func partition(ofKey key: [Value]) throws -> Int {
        partition(of: StateRowBytes(try keyCodec.encode(key)))
    }

    func partition(of key: StateRowBytes) -> Int {
        Int(StableHash.xxHash64(key.bytes) % UInt64(numPartitions))
    }

    // MARK: - Used by StateStore

    /// Writes version `version`: a delta of the net `changes` for every partition (empty
    /// ones too, so a version is loadable exactly when all its deltas exist), then snapshots
    /// if due. Deltas go first so a crash before the snapshots still leaves a loadable version.
    func write(version: Int64, partitions: [StatePartition], changes: [[StateRowBytes: StateOriginal]]) throws {
        try prepare()
        // Batch N commits version N+1; the trace speaks in batches, like the rest of the engine.
        let batch = version - 1
        for p in 0..<numPartitions {
            trace?.enter(.stateDelta, batch: batch)
            var records: [StateRecord] = []
            for (key, original) in changes[p] {
                let now = partitions[p].map[key]
                if now != original.value { records.append((key, now)) }
            }
            records.sort { $0.key < $1.key }
            try DurableFile.writeAtomically(
                layout.path(.delta, partition: p, version: version), StateFileFormat.encode(.delta, records))
        }
        guard version % Int64(snapshotInterval) == 0 else { return }
        for p in 0..<numPartitions {
            trace?.enter(.stateSnapshot, batch: batch)
            let records: [StateRecord] = partitions[p].map.map { ($0.key, $0.value) }.sorted { $0.key < $1.key }
            try DurableFile.writeAtomically(
                layout.path(.snapshot, partition: p, version: version), StateFileFormat.encode(.snapshot, records))
        }
    }

    /// Remembers `partitions` as the state at `version` for the next `load`.
    func keep(_ partitions: [StatePartition], version: Int64) {
        shared.withLock { $0.cached = (version, partitions) }
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
                try FileSystem.createDirectory(directory)
                try StateMetadata(
                    formatVersion: StateMetadata.currentFormatVersion, operatorId: operatorId,
                    numPartitions: numPartitions, keySchema: keySchema, valueSchema: valueSchema
                ).write(layout.metadataPath)
            }
            for p in 0..<numPartitions { try FileSystem.createDirectory(layout.partitionDirectory(p)) }
            // New directory entries survive a crash only once their parents are synced.
            var dir = directory
            for _ in 0..<3 {
                try DurableFile.syncDirectory(dir)
                dir = FilePaths.parent(dir)
            }
            s.prepared = true
        }
    }

    private func readVersion(_ version: Int64) throws -> [StatePartition] {
        guard FileSystem.exists(layout.metadataPath) else {
            throw StateStoreError.missingMetadata(path: layout.metadataPath, version: version)
        }
        return try (0..<numPartitions).map { try readPartition($0, version: version) }
    }

    private func readPartition(_ p: Int, version: Int64) throws -> StatePartition {
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
        try StateFileFormat.read(layout.path(kind, partition: p, version: version), kind: kind) { record in
            if let problem = record.key.bytes.withUnsafeBytes({ keyCodec.problem(in: $0) }) {
                return "key does not fit \(keySchema): \(problem)"
            }
            let home = partition(of: record.key)
            if home != p { return "key belongs to partition \(home), not \(p)" }
            if let value = record.value, let problem = value.bytes.withUnsafeBytes({ valueCodec.problem(in: $0) }) {
                return "value does not fit \(valueSchema): \(problem)"
            }
            state.set(record.key, record.value)
            return nil
        }
    }
}
