import Streaming

/// What the next start of a query on a table and a checkpoint must do, worked out by the driver
/// from what is on disk with the rules of README "Semantics and guarantees" and
/// docs/RELIABILITY.md "Checkpoint and sink out of step", so that the engine's own cross-check is
/// checked against them rather than trusted.
enum StartExpectation: Equatable, CustomStringConvertible {
    /// Table and checkpoint agree (or the table holds the pending batch): the query runs on.
    case proceeds
    /// The table lost these batches and the checkpoint still has what re-running them needs.
    case reapplies(ClosedRange<Int64>)
    /// The table holds batch `sinkBatch`, past what the checkpoint committed: refused.
    case refusedAhead(sinkBatch: Int64, committed: Int64?)
    /// The table lost batches the checkpoint can no longer re-run: refused.
    case refusedBehind(sinkBatch: Int64, committed: Int64, lost: ClosedRange<Int64>)

    var description: String {
        switch self {
        case .proceeds: return "proceeds"
        case .reapplies(let r): return "re-applies batches \(r.lowerBound)...\(r.upperBound)"
        case .refusedAhead(let s, let k): return "refused: table at batch \(s), checkpoint committed \(k.map(String.init) ?? "none")"
        case .refusedBehind(let s, let k, let lost):
            return "refused: table at batch \(s), checkpoint committed \(k), batches \(lost.lowerBound)...\(lost.upperBound) cannot be re-run"
        }
    }

    static func predict(table: String, checkpoint: String, query: TortureQuery) throws -> StartExpectation {
        let layout = CheckpointLayout(root: checkpoint)
        // A worker killed before its query created the checkpoint leaves nothing to check.
        guard FileSystem.exists(layout.metadata) else { return .proceeds }
        let status = try CheckpointInspector(checkpoint).status()
        let sink = try tableBatch(table: table, queryId: status.queryId)
        let committed = status.lastCommittedBatch
        if sink > (committed ?? -1) {
            let pending = status.hasPendingBatch ? status.lastBatchWithOffsets : nil
            return sink == pending ? .proceeds : .refusedAhead(sinkBatch: sink, committed: committed)
        }
        guard let committed, let expected = status.lastSinkBatch else { return .proceeds }
        if sink == expected { return .proceeds }
        if sink > expected { return .refusedAhead(sinkBatch: sink, committed: committed) }
        let lost = sink + 1...expected
        // Re-running batch N needs offsets/N-1 (its start and late-events watermark) and
        // offsets/N, and the state version the first lost batch starts from.
        let offsetsKept = (max(sink, 0)...expected).allSatisfy { FileSystem.exists(FilePaths.join(layout.offsets, String($0))) }
        let stateKept = try !query.hasState
            || FileStateStoreProvider.missingFile(checkpointRoot: checkpoint, operatorId: 0, version: lost.lowerBound) == nil
        return offsetsKept && stateKept ? .reapplies(lost) : .refusedBehind(sinkBatch: sink, committed: committed, lost: lost)
    }

    /// The last batch of query `queryId` the table holds (its `txn`), -1 for none or no table.
    static func tableBatch(table: String, queryId: String) throws -> Int64 {
        guard DeltaTable.exists(at: table) else { return -1 }
        return try DeltaTable(path: table).snapshot().transactionVersion(queryId) ?? -1
    }
}
