import Formats

/// What `vacuum` found and deleted.
public struct DeltaVacuumResult: Sendable, Equatable {
    /// Table-relative paths of the files deleted (or that would be, in a dry run).
    public var deletedFiles: [String] = []
    public var bytes: Int64 = 0
}

extension DeltaTable {
    /// `delta.deletedFileRetentionDuration` default: one week.
    public static let defaultVacuumRetentionMillis: Int64 = 7 * 24 * 3_600_000

    /// Deletes files under the table that no live `add` references and that are older than
    /// `retentionMillis`: removed files past the retention (time travel to versions that used
    /// them stops working) and files of writes that crashed before their commit. Never touches
    /// `_delta_log`. This is the one operation that lists the table's directories.
    public func vacuum(retentionMillis: Int64 = DeltaTable.defaultVacuumRetentionMillis, dryRun: Bool = false) throws -> DeltaVacuumResult {
        let snap = try snapshot()
        let live = Set(snap.files.keys.map(DeltaPartition.uriDecode))
        let cutoff = currentTimeMillis() - retentionMillis
        var result = DeltaVacuumResult()
        func walk(_ relative: String) throws {
            let dir = relative.isEmpty ? path : FilePaths.join(path, relative)
            for name in try FileSystem.list(dir).sorted() {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let full = FilePaths.join(path, rel)
                if FileSystem.isDirectory(full) {
                    // Directories starting with `_` are reserved by the protocol, never data.
                    if !name.hasPrefix("_") { try walk(rel) }
                    continue
                }
                guard !live.contains(rel) else { continue }
                let attrs = try FileSystem.attributes(full)
                guard attrs.modifiedMillis <= cutoff else { continue }
                result.deletedFiles.append(rel)
                result.bytes += attrs.size
                if !dryRun { try FileSystem.remove(full) }
            }
        }
        try walk("")
        return result
    }
}
