import Foundation

/// The content of `offsets/N`: where each source stands at the end of batch N, plus the
/// values a re-run of batch N must reuse so that it produces exactly the same output.
public struct OffsetSeq: Sendable, Equatable {
    /// Settings and times fixed for the batch.
    public struct Metadata: Codable, Sendable, Equatable {
        /// The event-time watermark in force during the batch (µs), nil before any event time was seen.
        public var batchWatermarkMicros: Int64?
        /// The batch's processing time (ms since the epoch).
        public var batchTimestampMs: Int64
        /// Settings that must not change across restarts of the checkpoint.
        public var conf: [String: String]
    }

    public var metadata: Metadata
    /// One JSON offset per source, nil for a source that had no data yet.
    public var sourceOffsets: [SourceOffset?]
}

/// `offsets/`: the write-ahead log. Entry N is written durably before batch N reads any data.
struct OffsetLog: Sendable {
    let log: BatchLog

    init(checkpoint: CheckpointLayout) throws {
        log = try BatchLog(directory: checkpoint.offsets)
    }

    func write(_ batchId: Int64, _ seq: OffsetSeq) throws {
        let meta = String(decoding: try JSONEncoder.sorted.encode(seq.metadata), as: UTF8.self)
        try log.write(batchId, lines: [meta] + seq.sourceOffsets.map { $0?.json ?? "-" })
    }

    func read(_ batchId: Int64) throws -> OffsetSeq? {
        guard let lines = try log.read(batchId) else { return nil }
        let path = log.path(batchId)
        guard let first = lines.first else { throw CheckpointError.damaged(path: path, reason: "no metadata line") }
        let meta: OffsetSeq.Metadata
        do { meta = try JSONDecoder().decode(OffsetSeq.Metadata.self, from: Data(first.utf8)) } catch {
            throw CheckpointError.damaged(path: path, reason: "metadata line does not parse: \(error)")
        }
        let offsets = try lines.dropFirst().map { line -> SourceOffset? in
            if line == "-" { return nil }
            guard (try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil else {
                throw CheckpointError.damaged(path: path, reason: "source offset '\(line.prefix(80))' is not JSON")
            }
            return SourceOffset(json: line)
        }
        return OffsetSeq(metadata: meta, sourceOffsets: offsets)
    }

    func latest() throws -> (batchId: Int64, seq: OffsetSeq)? {
        guard let id = try log.latestBatchId(), let seq = try read(id) else { return nil }
        return (id, seq)
    }
}

extension JSONEncoder {
    /// An encoder with stable key order, so checkpoint files are byte-for-byte reproducible.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
