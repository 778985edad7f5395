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
