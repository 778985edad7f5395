import Formats

/// What `rollBack(appId:toBatch:)` did.
public struct DeltaRollbackResult: Sendable, Equatable {
    /// The rollback commit, nil when the application held no batch past the target.
    public var version: Int64?
    /// The table version whose files of this application the table returns to (-1: before the table existed).
    public var baseVersion: Int64
    /// The commits of the application that were undone, ascending.
    public var undoneVersions: [Int64] = []
    /// The application's txn version before and after (-1: none).
    public var transactionBefore: Int64
    public var transactionAfter: Int64
    public var filesRemoved = 0
    public var filesRestored = 0
}

/// Why a rollback cannot be done; each case says what to do instead.
public enum DeltaRollbackError: Error, CustomStringConvertible, Equatable {
    /// Another writer's commit touched a file the rolled-back commits added or removed.
    case touchedByOtherWriter(table: String, version: Int64, operation: String, path: String)
    /// A file the rollback must bring back is no longer on disk.
    case fileVacuumed(table: String, path: String)
    /// A commit the rollback must read was removed by log cleanup.
    case logCleanedUp(table: String, version: Int64)

    public var description: String {
        switch self {
        case .touchedByOtherWriter(let t, let v, let op, let p):
            return "Delta table \(t): version \(v) (\(op)) by another writer changed \(p), a file of the batches to roll back; "
                + "rolling back would undo or corrupt that commit. Restore the table from a backup that matches the checkpoint, "
                + "or delete the table and start the query with a new checkpoint to rebuild it from the source"
        case .fileVacuumed(let t, let p):
            return "Delta table \(t): \(p), which the rollback must bring back, was deleted (vacuum?). Restore the file, "
                + "or restore the table from a backup that matches the checkpoint, or delete the table and start with a new checkpoint"
        case .logCleanedUp(let t, let v):
            return "Delta table \(t): commit \(v), which the rollback must read, was removed by log cleanup. Restore the table "
                + "from a backup that matches the checkpoint, or delete the table and start with a new checkpoint"
        }
    }
}

extension DeltaTable {
    /// The commit that set `appId`'s txn to `version`, newest first, with its commitInfo; nil if
    /// no commit still in the log did.
    public func findTransaction(appId: String, version: Int64) throws -> (version: Int64, commitInfo: DeltaCommitInfo?)? {
        var v = try snapshot().version
        while v >= 0, let actions = try commitActions(version: v) {
            var info: DeltaCommitInfo?
            var txn: Int64?
            for a in actions {
                if case .commitInfo(let c) = a { info = c }
                if case .txn(let t) = a, t.appId == appId { txn = t.version }
            }
            if let txn {
                if txn == version { return (v, info) }
                if txn < version { return nil }
            }
            v -= 1
        }
        return nil
    }

    /// Takes back every commit of `appId` whose txn version is past `target`, in one new commit:
    /// the files those commits added are removed, the files they removed are added again, and
    /// the txn is set back to what it was before the first of them. Commits of other writers
    /// stay, unless one touched a file of the commits to undo (then it throws and changes nothing).
    ///
    /// This is how a table that is ahead of a streaming query's checkpoint (a checkpoint restored
    /// from an older backup) is brought back to the checkpoint; the query then re-runs the
    /// batches from its own offsets.
    @discardableResult
    public func rollBack(appId: String, toBatch target: Int64) throws -> DeltaRollbackResult {
        let latest = try snapshot()
        let before = latest.transactionVersion(appId) ?? -1
        guard before > target else {
            return DeltaRollbackResult(version: nil, baseVersion: latest.version, transactionBefore: before, transactionAfter: before)
        }
        // Walk back to the first commit of appId past the target; remember every commit after it.
        var undone: [(version: Int64, actions: [DeltaAction])] = []
        var others: [(version: Int64, actions: [DeltaAction])] = []
        var v = latest.version
        while v >= 0 {
            guard let actions = try commitActions(version: v) else {
                // A cleaned-up commit is fine if the txn was already at or below the target there.
                if (try snapshot(version: v).transactionVersion(appId) ?? -1) <= target { break }
                throw DeltaRollbackError.logCleanedUp(table: path, version: v)
            }
            let txn = actions.lazy.compactMap { a -> Int64? in if case .txn(let t) = a, t.appId == appId { return t.version } else { return nil } }.first
            if let txn, txn <= target { break }
            if txn != nil { undone.append((v, actions)) } else { others.append((v, actions)) }
            v -= 1
        }
        undone.reverse()
        let first = undone.first!.version
        let base: DeltaSnapshot? = first > 0 ? try snapshot(version: first - 1) : nil
        let restoredTxn = base?.transactionVersion(appId) ?? -1

        var added = Set<String>(), removed = Set<String>()
        for (_, actions) in undone {
            for a in actions {
                if case .add(let f) = a { added.insert(f.path) }
                if case .remove(let r) = a { removed.insert(r.path) }
            }
        }
        for (version, actions) in others.reversed() where version > first {
            let operation = actions.lazy.compactMap { a -> String? in if case .commitInfo(let c) = a { return c.operation } else { return nil } }.first
            for a in actions {
                var touched: String?
                if case .add(let f) = a { touched = f.path }
                if case .remove(let r) = a { touched = r.path }
                if let p = touched, added.contains(p) || removed.contains(p) {
                    throw DeltaRollbackError.touchedByOtherWriter(
                        table: path, version: version, operation: operation ?? "unknown operation", path: DeltaPartition.uriDecode(p))
                }
            }
        }
        let now = currentTimeMillis()
        var actions: [DeltaAction] = []
        for p in added.sorted() { if let f = latest.files[p] { actions.append(.remove(f.remove(at: now, dataChange: true))) } }
        var restored = 0
        for p in removed.sorted() where latest.files[p] == nil {
            guard var f = base?.files[p] else { continue }
            guard try log.storage.exists(FilePaths.join(path, DeltaPartition.uriDecode(p))) else {
                throw DeltaRollbackError.fileVacuumed(table: path, path: DeltaPartition.uriDecode(p))
            }
            f.dataChange = true
            actions.append(.add(f))
            restored += 1
        }
        actions.append(.txn(DeltaTxn(appId: appId, version: restoredTxn, lastUpdated: now)))
        let info = DeltaCommitInfo(
            timestamp: nil, operation: "STREAMING ROLLBACK",
            operationParameters: [
                "queryId": appId, "toBatch": String(restoredTxn), "fromBatch": String(before),
                "undoneVersions": undone.map { String($0.version) }.joined(separator: ","),
            ],
            isBlindAppend: false,
            operationMetrics: ["numRemovedFiles": Int64(actions.count - restored - 1), "numRestoredFiles": Int64(restored)])
        let result = try commit(info) { current in
            guard current?.version == latest.version else {
                throw DeltaError.concurrentModification(path, "the table changed while the rollback was prepared; run it again")
            }
            return actions
        }
        guard case .committed(let version) = result else { preconditionFailure("a commit without txn check always commits") }
        return DeltaRollbackResult(
            version: version, baseVersion: first - 1, undoneVersions: undone.map(\.version), transactionBefore: before,
            transactionAfter: restoredTxn, filesRemoved: actions.count - restored - 1, filesRestored: restored)
    }
}
