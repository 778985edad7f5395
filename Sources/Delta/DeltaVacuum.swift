import Formats

/// What `vacuum` found and deleted.
public struct DeltaVacuumResult: Sendable, Equatable {
    /// Table-relative paths of the files deleted (or that would be, in a dry run).
    public var deletedFiles: [String] = []
    public var bytes: Int64 = 0
    /// Symbolic links met under the table: never followed, never deleted.
    public var skippedLinks: [String] = []
    /// The retention applied (ms).
    public var retentionMillis: Int64 = 0
}

extension DeltaTable {
    /// `delta.deletedFileRetentionDuration` default: one week.
    public static let defaultVacuumRetentionMillis: Int64 = 7 * 24 * 3_600_000

    /// Files no commit has referenced yet are kept at least this long (one hour), whatever the
    /// retention: they may belong to a writer that has written its data files and not yet
    /// committed them (a streaming batch, a compaction, a backfill), and deleting them would
    /// leave its commit pointing at missing files. Files of writes that crashed are deleted
    /// once older than this and the retention.
    public static let uncommittedFileGraceMillis: Int64 = 3_600_000

    /// Deletes files under the table that the latest version does not reference and that are
    /// older than the retention: removed files whose removal is older than it (time travel to
    /// versions that used them stops working), and files no commit ever referenced (writes that
    /// crashed before their commit) once older than it and `uncommittedFileGraceMillis`.
    ///
    /// Safe by construction: symbolic links are never followed or deleted; only regular files
    /// inside the table root are deleted; `_delta_log` and other directories whose names start
    /// with `_` or `.` (reserved by the protocol) are not entered, except partition directories.
    /// A retention below the table's minimum (`delta.deletedFileRetentionDuration`, default 7
    /// days) is refused unless `force` is true, as Spark and delta-rs do, because readers of
    /// recent versions and slow writers may still need those files.
    ///
    /// - Parameters:
    ///   - retentionMillis: keep unreferenced files younger than this; nil = the table's minimum.
    ///   - force: accept a retention below the minimum.
    ///   - dryRun: only report what would be deleted.
    public func vacuum(retentionMillis: Int64? = nil, force: Bool = false, dryRun: Bool = false) throws -> DeltaVacuumResult {
        try vacuum(retentionMillis: retentionMillis, force: force, dryRun: dryRun, now: currentTimeMillis())
    }

    /// `vacuum` as of the time `now` (ms), for tests that age files without waiting.
    package func vacuum(retentionMillis: Int64?, force: Bool, dryRun: Bool, now: Int64) throws -> DeltaVacuumResult {
        let snap = try snapshot()
        // Tables with writer features the engine does not implement may hold files it does not
        // know are in use (deletion vectors, change data): leave them to an engine that does.
        try snap.checkWritable()
        let minimum = try snap.deletedFileRetentionMillis()
        let retention = retentionMillis ?? minimum
        guard retention >= 0 else { throw DeltaError.invalidArgument("vacuum retention must not be negative (got \(retention) ms)") }
        if retention < minimum && !force {
            throw DeltaError.invalidArgument(
                "\(path): vacuum retention of \(DeltaInterval.describe(retention)) is below the table's minimum of \(DeltaInterval.describe(minimum)) (delta.deletedFileRetentionDuration, default 7 days); files that readers of recent versions still use would be deleted. Use a retention of at least \(DeltaInterval.describe(minimum)), or force it (`sluice table vacuum --force`, vacuum(force: true)) if no one reads older versions")
        }
        var result = DeltaVacuumResult(retentionMillis: retention)
        let files = try DeltaTableFiles(tablePath: path)
        let partitionPrefixes = snap.partitionColumns.map { DeltaPartition.escapePathComponent($0) + "=" }
        let found = try files.regularFiles(
            descendInto: { name, _ in
                // PROTOCOL.md "Data Files": data lives in the root or non-hidden directories;
                // `_delta_log` and other `_`/`.` names are not data, but `_col=value` partitions are.
                !(name.hasPrefix("_") || name.hasPrefix(".")) || partitionPrefixes.contains { name.hasPrefix($0) }
            },
            links: &result.skippedLinks)

        let removedAt = try removalTimes(snap, now: now)
        var candidates = found.filter { f in
            if let removed = removedAt[f.path] {
                // A removed file ages from its removal: readers of the versions before it need it.
                return removed <= now - retention && f.modifiedMillis <= now - retention
            }
            return f.modifiedMillis <= now - max(retention, Self.uncommittedFileGraceMillis)
        }
        // Anything the newest version references stays, even if committed after the listing.
        let live = try liveLocations(try snapshot())
        candidates.removeAll { live.contains($0.path) }
        for f in candidates {
            // Belt and braces: the file's real location must be inside the real table root.
            if files.objectStore == nil {
                guard let real = DeltaPaths.resolvedPath(FilePaths.join(files.root, f.path)), real.hasPrefix(files.root + "/") else { continue }
            }
            if !dryRun {
                guard try files.remove(f) else { continue }
            }
            result.deletedFiles.append(f.path)
            result.bytes += f.size
        }
        return result
    }

    /// Decoded locations of the snapshot's live files.
    private func liveLocations(_ snap: DeltaSnapshot) throws -> Set<String> {
        Set(try snap.files.keys.map { try snap.location(of: $0) })
    }

    /// When each remembered removed file was removed (ms), by decoded location; a tombstone
    /// without a time counts as removed now (kept for the whole retention).
    private func removalTimes(_ snap: DeltaSnapshot, now: Int64) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (p, r) in snap.tombstones { out[try snap.location(of: p)] = r.deletionTimestamp ?? now }
        return out
    }
}
