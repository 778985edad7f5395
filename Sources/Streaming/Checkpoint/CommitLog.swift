import Foundation

/// The content of `commits/N`, written once the sink has committed batch N.
public struct CommitMetadata: Codable, Sendable, Equatable {
    /// The watermark batch N+1 will use (µs), nil if no event time has been seen.
    public var nextBatchWatermarkMicros: Int64?
    /// The last batch id at or before N that the sink reported as applied after batch N (-1: none
    /// yet). A Delta table skips empty batches, so this can be below N. nil when the sink cannot
    /// tell, and in commit files written before the engine recorded it.
    public var lastSinkBatch: Int64?
    /// Each `withWatermark`'s own watermark (ms, by watermark id; null: no batch yet) after batch
    /// N, from which the global one is chosen. Absent with a single input, and in older files.
    public var inputWatermarksMs: [Int64?]?

    public init(nextBatchWatermarkMicros: Int64?, lastSinkBatch: Int64? = nil, inputWatermarksMs: [Int64?]? = nil) {
        self.nextBatchWatermarkMicros = nextBatchWatermarkMicros
        self.lastSinkBatch = lastSinkBatch
        self.inputWatermarksMs = inputWatermarksMs
    }
}

/// `commits/`: batch N is done once `commits/N` exists.
struct CommitLog: Sendable {
    let log: BatchLog

    init(checkpoint: CheckpointLayout) throws {
        log = try BatchLog(directory: checkpoint.commits)
    }

    func write(_ batchId: Int64, _ meta: CommitMetadata) throws {
        try log.write(batchId, lines: [String(decoding: try JSONEncoder.sorted.encode(meta), as: UTF8.self)])
    }

    func read(_ batchId: Int64) throws -> CommitMetadata? {
        guard let lines = try log.read(batchId) else { return nil }
        guard lines.count == 1, let meta = try? JSONDecoder().decode(CommitMetadata.self, from: Data(lines[0].utf8)) else {
            throw CheckpointError.damaged(path: log.path(batchId), reason: "expected one JSON line with the commit metadata")
        }
        return meta
    }

    func latest() throws -> (batchId: Int64, meta: CommitMetadata)? {
        guard let id = try log.latestBatchId(), let meta = try read(id) else { return nil }
        return (id, meta)
    }
}
