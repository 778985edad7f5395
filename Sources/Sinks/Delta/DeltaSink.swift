import Columnar
import Foundation
import Delta
import Formats
import Synchronization

/// Where a fault can be injected inside the Delta sink (tests only).
package enum DeltaSinkFaultPoint: String, Sendable {
    /// The batch's data files are durable; the log commit is not written.
    case afterDataFilesWritten
    /// The log commit is durable; `addBatch` has not returned.
    case afterLogCommit
}

/// Writes each micro-batch to a Delta table as one atomic commit, exactly once.
///
/// The table is created by the first batch (protocol 1/2, the query's schema, `partitionBy`).
/// Each batch writes its Parquet files (durably) and then commits their `add` actions with a
/// `txn` (appId = the query id, version = the batch id). A batch the table already holds for
/// this query is skipped, so a batch re-run after a crash anywhere is applied once; files of
/// a batch that crashed before its commit stay unreferenced until `vacuum`. Append mode adds
/// files; complete mode replaces the whole table in the same commit; update mode merges on
/// `mergeKeys`: rows whose key the batch holds are replaced (copy on write of the files that
/// hold them), other rows are kept.
///
/// The query's `txn` version is also what the sink reports as its last applied batch, and each
/// commit's `commitInfo.operationParameters.endOffsets` holds the batch's source end offsets
/// (a JSON array, as in the checkpoint's `offsets/N`), so a table can be matched to a checkpoint,
/// and `watermark` the watermark the batch ran with, so a reader knows which windows are final.
public final class DeltaSink: Sink {
    /// The table, read afresh by every `open` so a sink object reused across starts sees the
    /// log as it is on disk, not as it was when this process last wrote it.
    public var table: DeltaTable { current.withLock { $0 } }
    private let current: Mutex<DeltaTable>
    public let partitionBy: [String]
    /// The columns identifying a row in update mode (e.g. the window and the grouping keys).
    public let mergeKeys: [String]
    /// Extra table properties written when the table is created (e.g. `delta.checkpointInterval`).
    public let configuration: [String: String]
    /// With a layout, the sink compacts after its commits (auto-compaction, see `DeltaAutoCompaction`).
    public let autoCompaction: DeltaAutoCompaction?
    private let state = Mutex(State())
    private let hook = Mutex<(@Sendable (DeltaSinkFaultPoint, Int64) throws -> Void)?>(nil)

    private struct State {
        var context: SinkContext?
        /// The newest watermark this sink's commits recorded (read from the log at open).
        var recordedWatermark: Int64?
    }

    public convenience init(path: String, partitionBy: [String] = [], mergeKeys: [String] = [], configuration: [String: String] = [:]) {
        self.init(path: path, partitionBy: partitionBy, mergeKeys: mergeKeys, configuration: configuration, layout: nil)
    }

    /// - Parameter layout: files written by the batches are compacted into this layout once a
    ///   partition holds `layout.minFiles` of them (`dataChange=false` commits after the batch's).
    public init(
        path: String, partitionBy: [String] = [], mergeKeys: [String] = [], configuration: [String: String] = [:], layout: DeltaLayout?
    ) {
        self.current = Mutex(DeltaTable(path: path))
        self.partitionBy = partitionBy
        self.mergeKeys = mergeKeys
        self.configuration = configuration
        self.autoCompaction = layout.map(DeltaAutoCompaction.init(layout:))
    }

    public var description: String { "DeltaSink[\(table.path)]" }

    /// Installs a hook called at each fault point with the batch id (tests simulate crashes by throwing).
    package func setFaultHook(_ h: (@Sendable (DeltaSinkFaultPoint, Int64) throws -> Void)?) {
        hook.withLock { $0 = h }
    }

    /// Update mode needs merge keys, partition columns must be output columns, and an existing
    /// table must have the query's columns and partitioning. Reads the table's log, writes nothing.
    public func check(outputMode: OutputMode, schema: Schema) throws {
        if outputMode == .update {
            guard !mergeKeys.isEmpty else {
                throw DeltaError.invalidArgument(
                    "update mode into a Delta table merges on key columns: give mergeKeys (e.g. the window and group columns)")
            }
            for k in mergeKeys where schema.index(of: k) == nil {
                throw DeltaError.invalidArgument("merge key '\(k)' is not a column of the query's output (\(schema.names.joined(separator: ", ")))")
            }
            for p in partitionBy where !mergeKeys.contains(p) {
                // A key's row must stay in one partition, or an update could leave its old row behind.
                throw DeltaError.invalidArgument("partition column '\(p)' must be one of the merge keys \(mergeKeys)")
            }
        }
        for c in partitionBy {
            guard schema.field(c) != nil else {
                throw DeltaError.invalidArgument(
                    "partition column '\(c)' is not a column of the query's output (\(schema.names.joined(separator: ", "))); derive it first, e.g. .withColumn(\"date\", toDate(col(\"ts\")))")
            }
        }
        if partitionBy.count == schema.count && !partitionBy.isEmpty {
            throw DeltaError.invalidArgument("every column is a partition column; a Delta table needs at least one data column")
        }
        if table.exists {
            try table.snapshot().checkCompatible(schema: schema, partitionBy: partitionBy)
        }
    }

    public func open(_ context: SinkContext) throws {
        // A sink object reused across starts must see the table on disk, not its cached snapshot.
        let path = table.path
        current.withLock { $0 = DeltaTable(path: path) }
        try check(outputMode: context.outputMode, schema: context.schema)
        if table.exists {
            table.log.removeStaleTemporaryFiles(olderThanMillis: 3_600_000, now: currentTimeMillis())
        }
        let recorded =
            context.outputMode == .update && table.exists ? try table.recordedWatermark(atOrBefore: table.snapshot().version) : nil
        state.withLock {
            $0.context = context
            $0.recordedWatermark = recorded
        }
    }


    /// The query's `txn` version in the table (`.none` when the table or the txn does not exist,
    /// or a rollback set it below 0).
    public func lastAppliedBatch() throws -> AppliedBatches {
        guard let context = state.withLock({ $0.context }) else {
            throw DeltaError.invalidArgument("\(description): lastAppliedBatch before open")
        }
        guard table.exists, let v = try table.snapshot().transactionVersion(context.queryId), v >= 0 else { return .none }
        return .through(v)
    }

    public func describeAppliedBatch(_ batchId: Int64) throws -> String? {
        guard let context = state.withLock({ $0.context }), table.exists else { return nil }
        guard let found = try table.findTransaction(appId: context.queryId, version: batchId) else { return nil }
        let offsets = found.commitInfo?.operationParameters[Self.endOffsetsParameter]
        return "table version \(found.version)" + (offsets.map { ", end offsets \($0)" } ?? "")
    }

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws {
        try addBatch(batchId, batch, info: SinkBatchInfo(endOffsets: []))
    }

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch, info batchInfo: SinkBatchInfo) throws {
        guard let context = state.withLock({ $0.context }) else {
            throw DeltaError.invalidArgument("\(description): addBatch before open")
        }
        let appId = context.queryId
        let complete = context.outputMode == .complete
        // Cheap early exit for a replayed batch: no files written at all.
        if table.exists, let done = try table.snapshot().transactionVersion(appId), done >= batchId { return }
        // In update mode the table holds open windows, and the recorded watermark tells readers
        // which are final: a batch that only moved the watermark is committed too (no files).
        let movesWatermark =
            context.outputMode == .update && batchInfo.watermarkMicros.map { w in state.withLock { w > ($0.recordedWatermark ?? .min) } } == true
        if batch.rowCount == 0 && !complete && table.exists && !movesWatermark { return }

        context.phaseTrace?.enter(.sinkDataFiles, batch: batchId)
        let writer = DeltaFileWriter(tablePath: table.path, schema: context.schema, partitionColumns: partitionBy)
        let merge = context.outputMode == .update && table.exists
        var rewritten: [DeltaAddFile] = []
        let adds: [DeltaAddFile]
        if batch.rowCount == 0 && !complete {
            adds = []
        } else if merge {
            let plan = try table.snapshot().planMerge(batch, keys: mergeKeys, writer: writer)
            rewritten = plan.rewritten
            adds = plan.adds
        } else {
            adds = try writer.write(batch)
        }
        try hook.withLock { $0 }?(.afterDataFilesWritten, batchId)
        context.phaseTrace?.enter(.sinkLogCommit, batch: batchId)

        let info = DeltaCommitInfo(
            timestamp: nil, operation: "STREAMING UPDATE",
            operationParameters: Self.operationParameters(context: context, batchId: batchId, info: batchInfo),
            isBlindAppend: !complete && !merge,
            operationMetrics: ["numAddedFiles": Int64(adds.count), "numOutputRows": Int64(batch.rowCount)])
        let schema = context.schema
        let partitionBy = self.partitionBy
        let configuration = self.configuration
        let committed = try table.commit(info, appTransaction: DeltaTxn(appId: appId, version: batchId)) { base in
            var actions: [DeltaAction] = []
            if let base {
                try base.checkCompatible(schema: schema, partitionBy: partitionBy)
                let now = currentTimeMillis()
                if complete {
                    actions += base.addFiles.map { .remove($0.remove(at: now, dataChange: true)) }
                }
                for f in rewritten {
                    // The merge read these files; if another writer removed one, its rows may be lost.
                    guard base.files[f.path] != nil else {
                        throw DeltaError.concurrentModification(base.tablePath, "file \(f.path) was removed while this batch merged into it")
                    }
                    actions.append(.remove(f.remove(at: now, dataChange: true)))
                }
            } else {
                guard rewritten.isEmpty else { throw DeltaError.concurrentModification(self.table.path, "the table disappeared during a merge") }
                actions += DeltaTable.creationActions(schema: schema, partitionBy: partitionBy, configuration: configuration)
            }
            return actions + adds.map { .add($0) }
        }
        try hook.withLock { $0 }?(.afterLogCommit, batchId)
        if let w = batchInfo.watermarkMicros {
            state.withLock { $0.recordedWatermark = Swift.max($0.recordedWatermark ?? w, w) }
        }
        if case .committed = committed, let autoCompaction {
            autoCompaction.run(on: table, partitions: Set(adds.map(\.partitionValues)))
        }
    }
}

extension DeltaSink {
    /// The commitInfo parameter holding a batch's source end offsets.
    public static let endOffsetsParameter = "endOffsets"
    /// The commitInfo parameter holding the watermark a batch ran with (ISO-8601 UTC), so a
    /// reader of the table can tell final windows from open ones (`DeltaTable.recordedWatermark`).
    public static let watermarkParameter = DeltaTable.watermarkParameter

    static func operationParameters(context: SinkContext, batchId: Int64, info: SinkBatchInfo) -> [String: String] {
        var p = ["outputMode": context.outputMode.description, "queryId": context.queryId, "epochId": String(batchId)]
        if !info.endOffsets.isEmpty {
            // Offsets are JSON already ("-" for a source without data becomes null).
            p[endOffsetsParameter] = "[" + info.endOffsets.map { $0 == "-" ? "null" : $0 }.joined(separator: ",") + "]"
        }
        if let w = info.watermarkMicros { p[watermarkParameter] = Timestamps.format(w) }
        return p
    }
}
