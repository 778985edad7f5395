import Columnar
import Formats
import Synchronization

/// A Delta Lake table, in a local directory or an object store (`s3://bucket/prefix`, see
/// `Storage`): snapshots from its log, history, and atomic commits with optimistic concurrency
/// (Delta PROTOCOL.md: "Delta Log Entries", "Optimistic Concurrency" through mutual exclusion
/// of commit files, "Action Reconciliation").
///
/// ```
/// let table = DeltaTable(path: "tables/errors")
/// let snap = try table.snapshot()          // latest version
/// for f in snap.addFiles { print(f.path) }
/// ```
public final class DeltaTable: Sendable {
    public let path: String
    package let log: DeltaLog
    /// The latest snapshot seen, brought forward by reading only newer commits.
    private let cached = Mutex<DeltaSnapshot?>(nil)

    public init(path: String) {
        self.path = FileSystem.absolute(path)
        self.log = DeltaLog(tablePath: self.path)
    }

    /// True when `path` holds at least one commit or checkpoint. A readable
    /// `_last_checkpoint` answers without listing the log.
    public static func exists(at path: String) -> Bool {
        let log = DeltaLog(tablePath: FileSystem.absolute(path))
        if log.lastCheckpointVersion() != nil { return true }
        guard let l = try? log.list() else { return false }
        return !l.commits.isEmpty || !l.checkpoints.isEmpty
    }

    /// True when the table has a commit or checkpoint (without listing once a snapshot was read).
    public var exists: Bool { cached.withLock { $0 != nil } || Self.exists(at: path) }

    // MARK: - Snapshots

    /// The latest snapshot. Follows the log from the last snapshot this object saw (or the
    /// newest readable checkpoint) by probing for the next commit files, so it never lists data.
    public func snapshot() throws -> DeltaSnapshot {
        if var snap = cached.withLock({ $0 }) {
            try advance(&snap, to: nil)
            store(snap)
            return snap
        }
        let snap = try load(upTo: nil)
        store(snap)
        return snap
    }

    /// The snapshot at `version` (time travel). Needs a checkpoint at or before it, or every commit from 0.
    public func snapshot(version: Int64) throws -> DeltaSnapshot {
        try load(upTo: version)
    }

    private func store(_ snap: DeltaSnapshot) {
        cached.withLock { c in if c == nil || c!.version <= snap.version { c = snap } }
    }

    /// Forgets the cached snapshot if it is at `version`, so that a caller holding the same
    /// snapshot owns its maps alone and can bring it forward without copying them. Until it
    /// stores the result, `snapshot()` reads the log instead.
    private func dropCached(version: Int64) {
        cached.withLock { c in if c?.version == version { c = nil } }
    }

    /// Applies commits after `snap.version`, up to `target` (nil: as far as they exist).
    private func advance(_ snap: inout DeltaSnapshot, to target: Int64?) throws {
        while target == nil || snap.version < target! {
            guard let actions = try log.readCommit(snap.version + 1) else {
                if let target { throw DeltaError.corruptLog(log.commitPath(snap.version + 1), "commit is missing (needed for version \(target))") }
                return
            }
            try snap.apply(actions, version: snap.version + 1)
        }
    }

    /// The snapshot at `target` (nil: the latest). The latest is read from `_last_checkpoint`
    /// forward, listing only the log's names from that checkpoint's version on, so reading a
    /// table never lists its whole log (PROTOCOL.md "Last Checkpoint File"); a missing or
    /// unusable `_last_checkpoint` falls back to listing it all.
    private func load(upTo target: Int64?) throws -> DeltaSnapshot {
        if target == nil, let checkpoint = log.lastCheckpointVersion(),
            let snap = try? replay(log.list(from: checkpoint), upTo: nil, requireCheckpoint: true)
        {
            return snap
        }
        return try replay(log.list(), upTo: target, requireCheckpoint: false)
    }

    /// Replays `listing` from its newest readable checkpoint at or before `target`.
    /// - Parameter requireCheckpoint: fail (for a fallback) when no checkpoint of the listing reads.
    private func replay(_ listing: DeltaLog.Listing, upTo target: Int64?, requireCheckpoint: Bool) throws -> DeltaSnapshot {
        guard let newest = [listing.commits.last, listing.checkpoints.last].compactMap({ $0 }).max() else {
            throw DeltaError.notATable(path)
        }
        let last = target ?? newest
        if last > newest { throw DeltaError.invalidArgument("\(path) has no version \(last) (latest is \(newest))") }
        var builder: DeltaSnapshot.Builder?
        var start: Int64 = -1
        var checkpointError: Error?
        // Newest checkpoint first; an unreadable one falls back to an older one or to JSON.
        for cp in listing.checkpoints.reversed() where cp <= last {
            do {
                builder = try DeltaCheckpoint.read(log: log, version: cp)
                start = cp
                break
            } catch {
                checkpointError = checkpointError ?? error
            }
        }
        if requireCheckpoint && builder == nil { throw checkpointError ?? DeltaError.corruptLog(log.logPath, "no readable checkpoint") }
        var b = builder ?? DeltaSnapshot.Builder()
        let commits = Set(listing.commits)
        if start < 0 && !commits.contains(0) {
            if let checkpointError { throw checkpointError }
            throw DeltaError.corruptLog(log.logPath, "no readable checkpoint and commit 0 is missing (the log was cleaned up)")
        }
        var v = start + 1
        while v <= last {
            guard commits.contains(v), let actions = try log.readCommit(v) else {
                throw DeltaError.corruptLog(log.commitPath(v), "commit is missing: versions must be contiguous")
            }
            try b.apply(actions, version: v, tablePath: path, logFile: log.commitPath(v))
            v += 1
        }
        var snap = try b.build(tablePath: path, version: last)
        if target == nil { try advance(&snap, to: nil) }
        return snap
    }

    /// The actions of commit `version`, or nil if its JSON does not exist (not yet written, or
    /// cleaned up after a checkpoint).
    public func commitActions(version: Int64) throws -> [DeltaAction]? {
        try log.readCommit(version)
    }

    // MARK: - History

    /// One commit as history shows it.
    public struct HistoryEntry: Sendable {
        public let version: Int64
        public let commitInfo: DeltaCommitInfo?
        public let addedFiles: Int
        public let removedFiles: Int
        public let transactions: [DeltaTxn]
    }

    /// The newest `limit` commits whose JSON still exists, newest first.
    public func history(limit: Int = .max) throws -> [HistoryEntry] {
        let listing = try log.list()
        guard !listing.commits.isEmpty else { throw DeltaError.notATable(path) }
        return try listing.commits.reversed().prefix(limit).map { v in
            let actions = try log.readCommit(v) ?? []
            var info: DeltaCommitInfo?
            var adds = 0, removes = 0
            var txns: [DeltaTxn] = []
            for a in actions {
                switch a {
                case .commitInfo(let c): info = c
                case .add: adds += 1
                case .remove: removes += 1
                case .txn(let t): txns.append(t)
                default: break
                }
            }
            return HistoryEntry(version: v, commitInfo: info, addedFiles: adds, removedFiles: removes, transactions: txns)
        }
    }

    // MARK: - Commits

    /// What `commit` did.
    public enum CommitResult: Sendable, Equatable {
        case committed(version: Int64)
        /// The application transaction was already in the table (an earlier attempt won).
        case alreadyCommitted(version: Int64)
    }

    /// Commits the actions `build` returns as the next version, atomically.
    ///
    /// `build` receives the snapshot the commit is based on (nil if the table does not exist
    /// yet, in which case it must return `protocol` and `metaData`). When another writer wins
    /// the version, the commits in between are checked and `build` runs again on the newer
    /// snapshot: if they carry `appTransaction`'s id at or past its version, nothing is
    /// committed (an earlier attempt of this application won); if they add or remove files in
    /// a partition for which `exclusive` is true (partitions this commit replaces), the commit
    /// fails with `concurrentModification` so the caller can redo its work.
    ///
    /// - Parameters:
    ///   - info: commitInfo (timestamp and readVersion are filled in).
    ///   - appTransaction: written as the commit's `txn`; also the idempotence check.
    ///   - readSet: for a commit built from an older snapshot (version `readVersion`, nil when
    ///     the table did not exist): every commit after it, those already in the log and those
    ///     that win a race, is checked against it (`DeltaReadSet`) before this one is written.
    @discardableResult
    public func commit(
        _ info: DeltaCommitInfo, appTransaction: DeltaTxn? = nil, exclusive: ([String: String?]) -> Bool = { _ in false },
        readVersion: Int64? = nil, readSet: DeltaReadSet? = nil, build: (DeltaSnapshot?) throws -> [DeltaAction]
    ) throws -> CommitResult {
        var base: DeltaSnapshot? = exists ? try snapshot() : nil
        if let readSet, let newest = base?.version, newest > (readVersion ?? -1) {
            for v in (readVersion ?? -1) + 1...newest {
                guard let actions = try log.readCommit(v) else {
                    throw DeltaError.corruptLog(log.commitPath(v), "commit is missing, so it cannot be checked for conflicts")
                }
                try readSet.check(actions, version: v, table: path)
            }
        }
        for _ in 0..<10_000 {
            if let t = appTransaction, let s = base, let done = s.transactionVersion(t.appId), done >= t.version {
                return .alreadyCommitted(version: s.version)
            }
            try base?.checkWritable()
            let body = try build(base)
            let version = (base?.version ?? -1) + 1
            let now = currentTimeMillis()
            var info = info
            info.timestamp = now
            info.readVersion = readSet == nil ? base?.version : readVersion
            var actions: [DeltaAction] = [.commitInfo(info)] + body
            if var t = appTransaction {
                t.lastUpdated = now
                actions.append(.txn(t))
            }
            if base?.isAppendOnly == true, actions.contains(where: { if case .remove(let r) = $0 { return r.dataChange } else { return false } }) {
                throw DeltaError.invalidArgument("\(path) is append-only (delta.appendOnly=true): data cannot be removed")
            }
            try checkDataFilesExist(actions, version: version)
            if try log.write(version, actions) {
                var snap: DeltaSnapshot
                if var s = base {
                    // Apply in place: while `base` or the cache still shares the file map, adding
                    // one file copies all of them, a cost per commit that grows with the table.
                    base = nil
                    dropCached(version: s.version)
                    try s.apply(actions, version: version)
                    snap = s
                } else {
                    var b = DeltaSnapshot.Builder()
                    try b.apply(actions, version: 0, tablePath: path, logFile: log.commitPath(0))
                    snap = try b.build(tablePath: path, version: 0)
                }
                if version > 0 && version % snap.checkpointInterval == 0 {
                    // Expired tombstones are dropped here, at the checkpoint's pace, so a
                    // long-running writer does not remember every file it ever removed.
                    let retention = (try? snap.deletedFileRetentionMillis()) ?? Self.defaultVacuumRetentionMillis
                    snap.dropTombstones(removedBefore: now - retention)
                    // Checkpoints and log cleanup only speed up reads and bound the log; the
                    // commit stands even if they fail. Cleanup runs only after a checkpoint.
                    if (try? DeltaCheckpoint.write(snap, log: log)) != nil {
                        _ = try? DeltaLogCleanup.run(snap, log: log, now: now)
                    }
                }
                store(snap)
                return .committed(version: version)
            }
            // Lost the race for `version`: look at what won, then retry on top of it.
            var next: DeltaSnapshot
            if let b = base {
                next = b
                var v = version
                while let winning = try log.readCommit(v) {
                    try readSet?.check(winning, version: v, table: path)
                    if Self.touches(winning, exclusive) {
                        throw DeltaError.concurrentModification(path, "version \(v) changed files in partitions this commit replaces; run it again")
                    }
                    try next.apply(winning, version: v)
                    v += 1
                }
            } else {
                // Another writer created the table first: a conflict for a read set (new metaData).
                if let readSet, let created = try log.readCommit(0) { try readSet.check(created, version: 0, table: path) }
                next = try snapshot()
            }
            store(next)
            base = next
        }
        throw DeltaError.concurrentModification(path, "gave up after too many concurrent commits")
    }

    /// Every file this commit adds must be on disk when the commit is written. A vacuum run
    /// with a retention shorter than this write took (forced) could have deleted it, and a
    /// commit referencing a missing file makes the table unreadable for every engine; so such
    /// a commit is refused and nothing is written. (Vacuum keeps uncommitted files for
    /// `uncommittedFileGraceMillis` whatever the retention, which closes the gap between this
    /// check and the commit.)
    private func checkDataFilesExist(_ actions: [DeltaAction], version: Int64) throws {
        for case .add(let f) in actions {
            let location = FilePaths.join(path, try DeltaPaths.relativeLocation(
                f.path, tableRoot: path, action: "add", version: version, logFile: log.commitPath(version)))
            guard try log.storage.exists(location) else {
                throw DeltaError.concurrentModification(
                    path,
                    "data file \(f.path), written for this commit, was deleted before the commit (a vacuum with a forced short retention?); nothing was committed. Run the write again: a restarted query rewrites its batch")
            }
        }
    }

    private static func touches(_ actions: [DeltaAction], _ exclusive: ([String: String?]) -> Bool) -> Bool {
        actions.contains { a in
            switch a {
            case .add(let f): return exclusive(f.partitionValues)
            case .remove(let r): return r.partitionValues.map(exclusive) ?? true
            default: return false
            }
        }
    }
}
