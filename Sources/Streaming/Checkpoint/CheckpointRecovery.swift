import Formats
import Delta
import Sinks

/// `sluice recover`: brings a Delta table and a query's checkpoint back into agreement when the
/// table is ahead of the checkpoint (the checkpoint was restored from an older backup), by
/// rolling the query's commits past the checkpoint out of the table (`DeltaTable.rollBack`).
/// The query's next start then runs those batches again from the checkpoint's offsets. For the
/// cases it cannot repair it says why and what to do instead.
public struct CheckpointRecovery: Sendable {
    public let checkpoint: CheckpointLayout
    /// The table given on the command line; nil to use the one the checkpoint recorded.
    public let table: String?

    public init(checkpoint: String, table: String? = nil) {
        self.checkpoint = CheckpointLayout(root: checkpoint)
        self.table = table.map(FileSystem.absolute)
    }

    /// What `repair` found and did.
    public struct Report: Sendable, CustomStringConvertible {
        public enum Outcome: Sendable, Equatable {
            /// Table and checkpoint agree, or the next start re-applies what the table lacks.
            case nothingToRepair
            /// The query's commits past the checkpoint were rolled back.
            case rolledBack(DeltaRollbackResult)
            /// Nothing was changed; `message` says why and what to do.
            case cannotRepair
        }

        public var outcome: Outcome
        public var message: String
        public var description: String { message }
    }

    /// Compares the table with the checkpoint and, when the table is ahead, rolls it back. Holds
    /// the checkpoint's lock meanwhile, so it cannot run beside the query.
    public func repair() throws -> Report {
        let meta = try CheckpointInspector(checkpoint.root).requireCheckpoint()
        guard let tablePath = table ?? (meta.sink?.kind == "delta" ? meta.sink?.path : nil) else {
            let recorded = meta.sink.map { "its sink is \($0)" } ?? "it does not record its sink (written by an older version)"
            return Report(
                outcome: .cannotRepair,
                message: "checkpoint \(checkpoint.root): \(recorded). recover repairs Delta tables only; "
                    + "give the table with --table if the query writes one")
        }
        let lock = try CheckpointLock(checkpoint)
        defer { lock.release() }

        let offsets = try OffsetLog(checkpoint: checkpoint)
        let commits = try CommitLog(checkpoint: checkpoint)
        let latestOffsets = try offsets.log.latestBatchId()
        let committed = try commits.latest()
        let pending = latestOffsets.flatMap { $0 > (committed?.batchId ?? -1) ? $0 : nil }
        let deltaTable = DeltaTable(path: tablePath)
        let sinkBatch: Int64
        if DeltaTable.exists(at: tablePath) {
            sinkBatch = try deltaTable.snapshot().transactionVersion(meta.id).map { max($0, -1) } ?? -1
        } else {
            sinkBatch = -1
        }
        let describesTable = committed.map { meta.commitDescribesCurrentSink($0.batchId) } ?? false
        let check = SinkCrossCheck(
            committed: committed?.batchId, expectedSinkBatch: describesTable ? committed?.meta.lastSinkBatch : nil, pending: pending,
            sinkBatch: sinkBatch)
        let where_ = "Delta table \(tablePath) holds \(sinkBatch < 0 ? "no batch" : "batch \(sinkBatch)") of query \(meta.id); "
            + "checkpoint \(checkpoint.root) has committed \(committed.map { "batch \($0.batchId)" } ?? "no batch")"

        switch check.outcome {
        case .consistent:
            return Report(outcome: .nothingToRepair, message: "\(where_): they agree, nothing to repair")
        case .behind(let missing):
            let reason = try SinkCrossCheck.missingForReapply(
                missing, offsets: offsets, checkpointRoot: checkpoint.root, statefulOperators: try statefulOperatorCount(),
                retainedBatches: 100)
            guard let reason else {
                return Report(
                    outcome: .nothingToRepair,
                    message: "\(where_): the table lost batches \(missing.lowerBound)...\(missing.upperBound), and the checkpoint still "
                        + "has all they need; the query's next start re-applies them, nothing to repair")
            }
            return Report(
                outcome: .cannotRepair,
                message: "\(where_): the table lost batches \(missing.lowerBound)...\(missing.upperBound) and they cannot be re-applied: "
                    + "\(reason). recover cannot bring back data the checkpoint no longer describes. Choices: restore the table's "
                    + "backup that matches the checkpoint; or delete the table and start the query with a new checkpointLocation to "
                    + "rebuild it from the source")
        case .ahead:
            let target = check.rollbackTarget
            do {
                let result = try deltaTable.rollBack(appId: meta.id, toBatch: target)
                let undone = result.undoneVersions.map(String.init).joined(separator: ", ")
                return Report(
                    outcome: .rolledBack(result),
                    message: "\(where_). Rolled the table back to batch \(target) in version \(result.version.map(String.init) ?? "-"): "
                        + "undid versions \(undone) (\(result.filesRemoved) file(s) removed, \(result.filesRestored) restored). "
                        + "Start the query again: it runs the batches after \(target) from the checkpoint")
            } catch let e as DeltaRollbackError {
                return Report(outcome: .cannotRepair, message: "\(where_), and the table cannot be rolled back: \(e)")
            }
        }
    }

    /// The stateful operators whose state the checkpoint holds (`state/<id>`).
    private func statefulOperatorCount() throws -> Int {
        try Storage.at(checkpoint.state).list(checkpoint.state).compactMap { Int($0) }.count
    }
}
