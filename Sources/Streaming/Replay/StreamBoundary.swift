import Columnar
import Formats
import Foundation
import Delta
import Sinks

/// Where a replay's input ends when a streaming query writes the same table: the input the
/// stream had consumed through the last batch whose output is in the table snapshot the
/// replay read (see README "Backfill").
///
/// The snapshot holds the output of exactly the stream's batches up to T, its `txn` version
/// for the stream's query id (appId). `offsets/T` in the stream's checkpoint says where each
/// source stood at the end of batch T and which eviction watermark batch T used. Everything
/// after it belongs to the stream, whose later batches append to the table.
///
/// The checkpoint is only read: no lock is taken and nothing is written into it.
struct StreamBoundary: Sendable {
    /// The stream's query id (the checkpoint's `metadata`).
    var queryId: String
    /// T: the stream's last batch in the snapshot.
    var batchId: Int64
    /// The source's offset at the end of batch T; nil when it had no data yet.
    var sourceOffset: SourceOffset?
    /// The eviction watermark batch T ran with (µs); nil when no event time had been seen.
    var watermarkMicros: Int64?
    /// The source log directory of the stream's (only) source.
    var sourceLogPath: String

    static func read(checkpoint: String, snapshot: DeltaSnapshot?) throws -> StreamBoundary {
        let layout = CheckpointLayout(root: checkpoint)
        let storage = Storage.at(layout.root)
        guard let metadata = try storage.readIfPresent(layout.metadata) else {
            throw QueryError.invalidQuery(
                "replay: \(layout.root) has no metadata file, so no stream has run on it; give the checkpointLocation of the stream that writes the table, or none if no stream writes it")
        }
        guard let meta = try? JSONDecoder().decode(CheckpointMetadata.self, from: Data(metadata)) else {
            throw CheckpointError.damaged(path: layout.metadata, reason: "not the expected JSON {\"id\":...,\"formatVersion\":1}")
        }
        guard let snapshot, let batch = snapshot.transactionVersion(meta.id) else {
            throw QueryError.invalidQuery(
                "replay: the table has no batch of the stream \(meta.id) (checkpoint \(layout.root)) yet, so all of the stream's input is still its own to process;"
                    + " wait until its first batch is in the table, or replay without checkpointLocation if no stream writes this table")
        }
        guard try storage.exists(layout.offsets), let seq = try OffsetLog(checkpoint: layout).read(batch) else {
            throw QueryError.invalidQuery(
                "replay: \(FilePaths.join(layout.offsets, String(batch))) is gone (a checkpoint keeps its last 100 batches), so where batch \(batch) of the stream ended is unknown;"
                    + " run the replay again (it reads the table's newest batch of the stream)")
        }
        guard seq.sourceOffsets.count == 1 else {
            throw CheckpointError.incompatible(
                path: layout.root, reason: "it records \(seq.sourceOffsets.count) sources; the replayed query reads one")
        }
        return StreamBoundary(
            queryId: meta.id, batchId: batch, sourceOffset: seq.sourceOffsets[0], watermarkMicros: seq.metadata.batchWatermarkMicros,
            sourceLogPath: layout.source(0))
    }
}
