import Formats

/// Where one operator's state lives: `<checkpoint>/state/<operatorId>/_metadata` and
/// `<checkpoint>/state/<operatorId>/<partition>/<version>.delta|.snapshot`, in the storage
/// that holds the checkpoint (local, or an object store, see `Storage`).
struct StateLayout: Sendable {
    let directory: String
    let storage: any ObjectStorage

    init(checkpointRoot: String, operatorId: Int) {
        directory = FilePaths.join(checkpointRoot, "state", String(operatorId))
        storage = Storage.at(checkpointRoot)
    }

    var metadataPath: String { FilePaths.join(directory, "_metadata") }

    func partitionDirectory(_ partition: Int) -> String { FilePaths.join(directory, String(partition)) }

    func path(_ kind: StateFileKind, partition: Int, version: Int64) -> String {
        FilePaths.join(partitionDirectory(partition), "\(version).\(kind.fileExtension)")
    }

    /// The versions that have delta and snapshot files in `partition`; empty if the
    /// directory does not exist yet. Temporary files from interrupted writes are ignored.
    func versions(partition: Int) throws -> (deltas: Set<Int64>, snapshots: Set<Int64>) {
        var deltas = Set<Int64>(), snapshots = Set<Int64>()
        for name in try storage.list(partitionDirectory(partition)) {
            // Only names this layout writes count, so stray files cannot shadow real versions.
            guard let dot = name.firstIndex(of: "."), let v = Int64(name[..<dot]), v >= 0,
                String(v) == name[..<dot]
            else { continue }
            switch name[name.index(after: dot)...] {
            case StateFileKind.delta.fileExtension: deltas.insert(v)
            case StateFileKind.snapshot.fileExtension: snapshots.insert(v)
            default: continue
            }
        }
        return (deltas, snapshots)
    }
}
