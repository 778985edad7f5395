import Formats

extension StateStoreProvider {
    /// Deletes delta and snapshot files that no longer help load any of the last
    /// `minVersionsToRetain` versions, and returns how many it deleted.
    ///
    /// Per partition: the oldest version to keep loadable is `latest - minVersionsToRetain + 1`;
    /// it loads from the newest snapshot at or below it, so older snapshots and the deltas
    /// before that snapshot can go. The snapshot's own delta stays because a version counts as
    /// committed only while its delta exists. Without such a snapshot every delta is needed.
    @discardableResult
    public func maintenance() throws -> Int {
        var deleted = 0
        for p in 0..<numPartitions {
            let files = try layout.versions(partition: p)
            guard let latest = files.deltas.max() else { continue }
            let oldestKept = latest - Int64(minVersionsToRetain) + 1
            guard let base = files.snapshots.filter({ $0 <= oldestKept }).max() else { continue }
            for v in files.snapshots where v < base {
                try FileSystem.remove(layout.path(.snapshot, partition: p, version: v))
                deleted += 1
            }
            for v in files.deltas where v < base {
                try FileSystem.remove(layout.path(.delta, partition: p, version: v))
                deleted += 1
            }
        }
        return deleted
    }
}

extension StateStoreProvider {
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
