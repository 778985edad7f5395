import Formats

extension FileStateStoreProvider {
    /// Writes the snapshot of the newest snapshot version that lacks one, then deletes files
    /// that no longer help load any of the last `minVersionsToRetain` versions; returns how many
    /// it deleted. Runs on the maintenance task's thread after each snapshot version's commit
    /// (or on the caller's).
    ///
    /// The snapshot is built from the files (the previous snapshot and the deltas after it),
    /// not from the live state, so the batch path neither waits for it nor shares memory with
    /// it. It is written atomically after the deltas it summarises, so a crash at any point
    /// leaves every committed version loadable: without the snapshot, from the deltas.
    ///
    /// Cleanup, per partition: the oldest version to keep loadable is
    /// `latest - minVersionsToRetain + 1`; it loads from the newest snapshot at or below it, so
    /// older snapshots and the deltas before that snapshot can go. The snapshot's own delta stays
    /// because a version counts as committed only while its delta exists. Without such a
    /// snapshot every delta is needed.
    @discardableResult
    public func maintenance() throws -> Int {
        if let committed = try lastCommittedVersion() {
            let due = committed - committed % Int64(snapshotInterval)
            if due > 0 { try writeMissingSnapshots(version: due) }
        }
        return try deleteUnneededFiles()
    }

    /// Snapshot files of `version` for the partitions that lack one.
    func writeMissingSnapshots(version: Int64) throws {
        for p in 0..<numPartitions {
            let partition: StatePartition? = try filesLock.withLock { _ in
                let files = try layout.versions(partition: p)
                guard !files.snapshots.contains(version), files.deltas.contains(version) else { return nil }
                return try readPartition(p, version: version)
            }
            guard let partition else { continue }
            trace?.enter(.stateSnapshot, batch: version - 1)
            try writeSnapshot(partition, partition: p, version: version)
        }
    }

    /// The cleanup half of `maintenance()`.
    func deleteUnneededFiles() throws -> Int {
        try filesLock.withLock { _ in
            var deleted = 0
            for p in 0..<numPartitions {
                let files = try layout.versions(partition: p)
                guard let latest = files.deltas.max() else { continue }
                let oldestKept = latest - Int64(minVersionsToRetain) + 1
                guard let base = files.snapshots.filter({ $0 <= oldestKept }).max() else { continue }
                for v in files.snapshots where v < base {
                    try layout.storage.remove(layout.path(.snapshot, partition: p, version: v))
                    deleted += 1
                }
                for v in files.deltas where v < base {
                    try layout.storage.remove(layout.path(.delta, partition: p, version: v))
                    deleted += 1
                }
            }
            return deleted
        }
    }
}

extension FileStateStoreProvider {
    /// Why state `version` of operator `operatorId` under `checkpointRoot` cannot be loaded (the
    /// first file missing), or nil if it can. Version 0, the empty state, always can. Used before
    /// re-running old batches, which load old versions and commit the same next versions again.
    public static func missingFile(checkpointRoot: String, operatorId: Int, version: Int64) throws -> String? {
        guard version > 0 else { return nil }
        let layout = StateLayout(checkpointRoot: checkpointRoot, operatorId: operatorId)
        guard let meta = try StateMetadata.read(layout.metadataPath) else { return layout.metadataPath }
        for p in 0..<meta.numPartitions {
            let files = try layout.versions(partition: p)
            let base = files.snapshots.filter { $0 <= version }.max() ?? 0
            // The version's own delta must exist (it marks the version committed), and every delta after the base.
            for v in Swift.max(base, 1)...version where !files.deltas.contains(v) && (v > base || v == version) {
                return layout.path(.delta, partition: p, version: v)
            }
        }
        return nil
    }
}
