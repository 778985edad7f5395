/// Problems with a checkpoint directory, each naming the file and what to do.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// Another process or query holds the checkpoint's lock.
    case locked(path: String, holder: String)
    /// A checkpoint file exists but cannot be parsed.
    case damaged(path: String, reason: String)
    /// The checkpoint was made by a query whose settings differ from this one's.
    case incompatible(path: String, reason: String)
    /// The checkpoint's offsets or state belong to other sources or another operator definition;
    /// `reason` names old and new side by side and what to do.
    case queryChanged(path: String, reason: String)
    /// The path holds no checkpoint at all (no `metadata` file).
    case notACheckpoint(path: String, reason: String)
    /// A checkpoint in an object store, where there is no lock: another query run created the
    /// checkpoint file this run was about to create (put-if-absent), so two queries write it.
    case fenced(path: String, holder: String)

    public var description: String {
        switch self {
        case .locked(let path, let holder):
            return "checkpoint \(path) is in use by another query (\(holder)); stop that query first, or use a different checkpointLocation"
        case .damaged(let path, let reason):
            return "checkpoint file \(path) is damaged (\(reason)); the engine will not guess which data it covered. Restore the file from a backup, or start the query with a new checkpointLocation and replay the affected time range"
        case .incompatible(let path, let reason):
            return "checkpoint \(path) cannot be used by this query: \(reason); use a new checkpointLocation"
        case .queryChanged(let path, let reason):
            return "checkpoint \(path) was written by a different query: \(reason)"
        case .notACheckpoint(let path, let reason):
            return "\(path) is not a query checkpoint: \(reason)"
        case .fenced(let path, let holder):
            return "another query writes this checkpoint: \(path) was created by another run meanwhile (\(holder)); this run stops so that only one query writes it. Stop the other query, or use a different checkpointLocation"
        }
    }
}
