import Formats

/// Read-only views of a checkpoint, for operators and the CLI. Never takes the lock and never
/// creates anything.
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
        /// The sink's last batch as recorded with the last commit (-1: none; nil: not recorded).
        public var lastSinkBatch: Int64?
        public var sourceOffsets: [String]
        /// What the checkpoint recorded (nil for checkpoints written before it did).
        public var sources: [SourceIdentity]?
        public var operators: [OperatorShape]?
        public var sink: SinkIdentity?

        /// True when `offsets/N` exists without `commits/N`: the next start re-runs batch N.
        public var hasPendingBatch: Bool { lastBatchWithOffsets != nil && lastBatchWithOffsets != lastCommittedBatch }

        public var description: String {
            var lines = ["query id: \(queryId)"]
            lines.append("last planned batch: \(lastBatchWithOffsets.map(String.init) ?? "none")")
            lines.append("last committed batch: \(lastCommittedBatch.map(String.init) ?? "none")")
            if hasPendingBatch { lines.append("pending: batch \(lastBatchWithOffsets!) will be re-run on the next start") }
            for (i, s) in (sources ?? []).enumerated() { lines.append("source \(i): \(s)") }
            for (i, o) in sourceOffsets.enumerated() { lines.append("source \(i) offset: \(o)") }
            for (i, op) in (operators ?? []).enumerated() {
                let props = OperatorShape.order.filter { op.properties[$0] != nil }.map { "\($0) \(op.properties[$0]!)" }
                lines.append("operator \(i): \(op.kind) (\(props.joined(separator: "; ")))")
            }
            if let sink { lines.append("sink: \(sink)") }
            if let s = lastSinkBatch { lines.append("sink held after the last commit: \(s < 0 ? "no batch" : "batch \(s)")") }
            return lines.joined(separator: "\n")
        }
    }

    /// Throws `CheckpointError.notACheckpoint` unless the path holds a checkpoint's `metadata`.
    func requireCheckpoint() throws -> CheckpointMetadata {
        let root = layout.root
        let storage = Storage.at(root)
        guard try storage.exists(root) else { throw CheckpointError.notACheckpoint(path: root, reason: "it does not exist") }
        if storage.isLocal {
            guard FileSystem.isDirectory(root) else { throw CheckpointError.notACheckpoint(path: root, reason: "it is a file, not a directory") }
        }
        guard let meta = try CheckpointMetadata.load(layout) else {
            if try storage.exists(FilePaths.join(root, "_delta_log")) {
                throw CheckpointError.notACheckpoint(path: root, reason: "it is a Delta table (see `sluice table info`)")
            }
            throw CheckpointError.notACheckpoint(
                path: root, reason: "it has no metadata file (a checkpoint holds metadata, offsets/ and commits/); check the path")
        }
        return meta
    }

    public func status() throws -> Status {
        let meta = try requireCheckpoint()
        let storage = Storage.at(layout.root)
        let offsets = try storage.exists(layout.offsets) ? try OffsetLog(checkpoint: layout).latest() : nil
        let commit = try storage.exists(layout.commits) ? try CommitLog(checkpoint: layout).latest() : nil
        return Status(
            queryId: meta.id, lastBatchWithOffsets: offsets?.batchId, lastCommittedBatch: commit?.batchId,
            lastSinkBatch: commit?.meta.lastSinkBatch, sourceOffsets: offsets?.seq.sourceOffsets.map { $0?.json ?? "-" } ?? [],
            sources: meta.sources, operators: meta.operators, sink: meta.sink)
    }

    /// The progress records kept in `progress/`, oldest first.
    public func progress() throws -> [StreamingQueryProgress] {
        _ = try requireCheckpoint()
        return try ProgressLog.read(checkpoint: layout.root)
    }

    /// The last `last` progress records as JSON, or a sentence saying there are none and why.
    public func progressReport(last: Int) throws -> String {
        let records = try progress()
        guard !records.isEmpty else {
            return "no progress records in \(layout.root): no batch has completed on this checkpoint yet "
                + "(the last 100 batches' records are kept in progress/)"
        }
        return records.suffix(max(last, 1)).map(\.json).joined(separator: "\n")
    }
}
