import Formats

extension DeltaTable {
    /// `delta.logRetentionDuration` default: 30 days.
    public static let defaultLogRetentionMillis: Int64 = 30 * 86_400_000
}

/// Expired log cleanup (Delta PROTOCOL.md, "Metadata Cleanup"), run after the engine writes a
/// checkpoint, as Spark and delta-rs do. With `delta.enableExpiredLogCleanup` not false:
///
/// 1. cutoff = midnight UTC of (now − `delta.logRetentionDuration`, default 30 days);
/// 2. the cutoff commit is the newest commit such that it and every commit before it were
///    written (file modification time) at or before the cutoff;
/// 3. the cutoff checkpoint is the newest classic checkpoint at or before the cutoff commit
///    that reads back; without one nothing is deleted;
/// 4. commits, checkpoints and `.crc` files of versions before the cutoff checkpoint go.
///
/// So the newest state and every version newer than the cutoff can still be rebuilt (the
/// cutoff checkpoint, its own commit and everything after it stay).
enum DeltaLogCleanup {
    /// Deletes expired log files; returns the names deleted, oldest first.
    @discardableResult
    static func run(_ snapshot: DeltaSnapshot, log: DeltaLog, now: Int64) throws -> [String] {
        guard snapshot.expiredLogCleanupEnabled else { return [] }
        let retention = try snapshot.logRetentionMillis()
        let cutoff = floorToDay(now - retention)
        // One listing with modification times (on S3 the listing carries them, so no request
        // per commit); cleanup lists the whole log, which is fine once per checkpoint.
        let files = try log.storage.listFiles(log.logPath)
        var listing = DeltaLog.Listing()
        var modified: [Int64: Int64] = [:]
        for f in files {
            guard f.name.utf8.count >= 25, let v = Int64(f.name.prefix(20)), f.name.utf8.first != UInt8(ascii: ".") else { continue }
            switch f.name.dropFirst(20) {
            case ".json":
                listing.commits.append(v)
                modified[v] = f.modifiedMillis
            case ".checkpoint.parquet": listing.checkpoints.append(v)
            default: break
            }
        }
        listing.commits.sort()
        listing.checkpoints.sort()
        var cutoffCommit: Int64?
        // Ascending, stopping at the first younger commit: after the first cleanup only the
        // commits since the cutoff checkpoint are looked at.
        for v in listing.commits {
            guard let m = modified[v], m <= cutoff else { break }
            cutoffCommit = v
        }
        guard let cutoffCommit else { return [] }
        // Readers that start from `_last_checkpoint` must find it after the cleanup.
        guard let last = log.lastCheckpointVersion(), try log.storage.exists(log.checkpointPath(last)) else { return [] }
        var keepFrom: Int64?
        for cp in listing.checkpoints.reversed() where cp <= cutoffCommit && cp <= last {
            if (try? DeltaCheckpoint.read(log: log, version: cp)) != nil {
                keepFrom = cp
                break
            }
        }
        guard let keepFrom, keepFrom > 0 else { return [] }
        var doomed: [(version: Int64, name: String)] = []
        for f in files {
            guard let v = expiredVersion(f.name), v < keepFrom else { continue }
            doomed.append((v, f.name))
        }
        doomed.sort { ($0.version, $0.name) < ($1.version, $1.name) }
        var deleted: [String] = []
        for d in doomed {
            try log.storage.remove(FilePaths.join(log.logPath, d.name))
            deleted.append(d.name)
        }
        return deleted
    }

    /// The version of a commit, classic checkpoint or checksum file name; nil for anything
    /// else (`_last_checkpoint`, temporary files, kinds of checkpoint the engine does not read).
    static func expiredVersion(_ name: String) -> Int64? {
        guard name.utf8.count > 20, let v = Int64(name.prefix(20)), name.utf8.first != UInt8(ascii: ".") else { return nil }
        switch name.dropFirst(20) {
        case ".json", ".checkpoint.parquet", ".crc": return v
        default: return nil
        }
    }

    /// Midnight UTC at or before `millis`.
    static func floorToDay(_ millis: Int64) -> Int64 {
        let day: Int64 = 86_400_000
        let q = millis / day
        return (millis % day < 0 ? q - 1 : q) * day
    }
}
