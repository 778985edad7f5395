import Formats

/// Read-only views of a checkpoint, for operators and the CLI. Never takes the lock.
public struct CheckpointInspector: Sendable {
    public let layout: CheckpointLayout

    public init(_ path: String) {
        layout = CheckpointLayout(root: path)
    }

    /// Where a query stands.
    public struct Status: Sendable, CustomStringConvertible {
        public var queryId: String
        public var lastBatchWithOffsets: Int64?
        public var lastCommittedBatch: Int64?
        public var sourceOffsets: [String]

        /// True when `offsets/N` exists without `commits/N`: the next start re-runs batch N.
        public var hasPendingBatch: Bool { lastBatchWithOffsets != nil && lastBatchWithOffsets != lastCommittedBatch }

        public var description: String {
            var lines = ["query id: \(queryId)"]
            lines.append("last planned batch: \(lastBatchWithOffsets.map(String.init) ?? "none")")
            lines.append("last committed batch: \(lastCommittedBatch.map(String.init) ?? "none")")
            if hasPendingBatch { lines.append("pending: batch \(lastBatchWithOffsets!) will be re-run on the next start") }
            for (i, o) in sourceOffsets.enumerated() { lines.append("source \(i) offset: \(o)") }
            return lines.joined(separator: "\n")
        }
    }

    public func status() throws -> Status {
        guard FileSystem.exists(layout.metadata) else {
            throw CheckpointError.damaged(path: layout.metadata, reason: "missing: \(layout.root) is not a query checkpoint")
        }
        let meta = try CheckpointMetadata.loadOrCreate(layout)
        let offsets = try OffsetLog(checkpoint: layout).latest()
        let commit = try CommitLog(checkpoint: layout).latest()
        return Status(
            queryId: meta.id, lastBatchWithOffsets: offsets?.batchId, lastCommittedBatch: commit?.batchId,
            sourceOffsets: offsets?.seq.sourceOffsets.map { $0?.json ?? "-" } ?? [])
    }

    /// The progress records kept in `progress/`, oldest first.
    public func progress() throws -> [StreamingQueryProgress] {
        try ProgressLog.read(checkpoint: layout.root)
    }
}
