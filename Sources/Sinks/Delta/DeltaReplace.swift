import Columnar
import Foundation

/// What `replacePartitions` committed.
public struct DeltaReplaceResult: Sendable, Equatable {
    public var version: Int64?
    public var filesRemoved = 0
    public var filesAdded = 0
    public var rowsWritten = 0
}

extension DeltaTable {
    /// The `protocol` and `metaData` actions of a new table.
    static func creationActions(schema: Schema, partitionBy: [String], configuration: [String: String]) -> [DeltaAction] {
        [
            .protocol(.default),
            .metaData(DeltaMetadata(
                id: UUID().uuidString.lowercased(), schemaString: DeltaSchema.json(schema), partitionColumns: partitionBy,
                configuration: configuration, createdTime: currentTimeMillis())),
        ]
    }

    /// Atomically replaces every partition for which `replaces` is true with the rows of
    /// `batch`: one commit removes all live files of those partitions and adds the new files
    /// (FORMATS.md A8), so readers see the old partitions or the new ones, never a mix, and
    /// running the same replacement twice leaves the table as after once. Creates the table if
    /// needed. A concurrent commit touching those partitions fails the replacement
    /// (`concurrentModification`) instead of silently dropping its data.
    ///
    /// - Parameters:
    ///   - replaces: true for partition values (as serialized in the log) being replaced; every
    ///     row of `batch` must fall in such a partition.
    ///   - appTransaction: recorded as the commit's `txn` (e.g. a backfill's own app id).
    ///   - predicate: a human-readable description for history.
    public func replacePartitions(
        with batch: RecordBatch, partitionBy: [String], where replaces: ([String: String?]) -> Bool, predicate: String,
        appTransaction: DeltaTxn? = nil
    ) throws -> DeltaReplaceResult {
        if exists { try DeltaSink.checkCompatible(try snapshot(), schema: batch.schema, partitionBy: partitionBy) }
        guard !partitionBy.isEmpty else { throw DeltaError.invalidArgument("replacing partitions needs a partitioned table") }
        let writer = DeltaFileWriter(tablePath: path, schema: batch.schema, partitionColumns: partitionBy)
        let adds = try writer.write(batch)
        for a in adds where !replaces(a.partitionValues) {
            throw DeltaError.invalidArgument(
                "the new rows include partition \(DeltaPartition.directory(columns: partitionBy, values: a.partitionValues)), which is not being replaced")
        }
        var result = DeltaReplaceResult(filesAdded: adds.count, rowsWritten: batch.rowCount)
        let info = DeltaCommitInfo(
            timestamp: nil, operation: "WRITE",
            operationParameters: ["mode": "Overwrite", "partitionBy": "[" + partitionBy.map { "\"\($0)\"" }.joined(separator: ",") + "]", "predicate": predicate],
            operationMetrics: ["numAddedFiles": Int64(adds.count), "numOutputRows": Int64(batch.rowCount)])
        let schema = batch.schema
        let commit = try self.commit(info, appTransaction: appTransaction, exclusive: replaces) { base in
            guard let base else {
                return Self.creationActions(schema: schema, partitionBy: partitionBy, configuration: [:]) + adds.map { .add($0) }
            }
            try DeltaSink.checkCompatible(base, schema: schema, partitionBy: partitionBy)
            let now = currentTimeMillis()
            let removes = base.addFiles.filter { replaces($0.partitionValues) }
            result.filesRemoved = removes.count
            return removes.map { .remove($0.remove(at: now, dataChange: true)) } + adds.map { .add($0) }
        }
        if case .committed(let v) = commit { result.version = v }
        return result
    }
}
