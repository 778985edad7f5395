import Columnar
import Formats
import Foundation

/// What a partition replacement committed.
public struct DeltaReplaceResult: Sendable, Equatable {
    public var version: Int64?
    public var filesRemoved = 0
    public var filesAdded = 0
    public var rowsWritten = 0
}

extension DeltaTable {
    /// The `protocol` and `metaData` actions of a new table.
    package static func creationActions(schema: Schema, partitionBy: [String], configuration: [String: String]) -> [DeltaAction] {
        [
            .protocol(.default),
            .metaData(DeltaMetadata(
                id: UUID().uuidString.lowercased(), schemaString: DeltaSchema.json(schema), partitionColumns: partitionBy,
                configuration: configuration, createdTime: currentTimeMillis())),
        ]
    }

    /// Atomically replaces every partition for which `replaces` is true with the rows of
    /// `batch`, as read from the current snapshot (see `DeltaPartitionReplacement`). Creates the
    /// table if needed.
    ///
    /// - Parameters:
    ///   - replaces: true for partition values (as serialized in the log) being replaced; every
    ///     row of `batch` must fall in such a partition.
    ///   - appTransaction: recorded as the commit's `txn` (e.g. a backfill's own app id).
    ///   - predicate: a human-readable description for history.
    public func replacePartitions(
        with batch: RecordBatch, partitionBy: [String], where replaces: @escaping @Sendable ([String: String?]) -> Bool, predicate: String,
        appTransaction: DeltaTxn? = nil
    ) throws -> DeltaReplaceResult {
        let read = exists ? try snapshot() : nil
        let replacement = try DeltaPartitionReplacement(table: self, schema: batch.schema, partitionBy: partitionBy, replaces: replaces)
        do {
            try replacement.write(batch)
            return try replacement.commit(readSnapshot: read, predicate: predicate, appTransaction: appTransaction)
        } catch {
            replacement.abandon()
            throw error
        }
    }
}

/// A replacement of whole partitions, written in pieces and committed once (Delta PROTOCOL.md
/// "Add File and Remove File": remove + add in one commit, so readers see the old partitions or the new ones).
///
/// `write` turns rows into data files as they come, so the rows never need to be in memory
/// together; `commit` removes every file that was live in the replaced partitions at the
/// snapshot the caller read its input against, and adds the new files. Commits that landed
/// after that snapshot are checked with `DeltaReadSet`: blind appends to the replaced
/// partitions stay (their rows came from input the replacement did not read), while a
/// concurrent removal of a file being replaced, or any other rewrite of those partitions,
/// fails the commit with `concurrentModification`.
public final class DeltaPartitionReplacement {
    public let table: DeltaTable
    public let partitionBy: [String]
    private let schema: Schema
    private let writer: DeltaFileWriter
    private let replaces: @Sendable ([String: String?]) -> Bool
    /// Data files written so far, not yet committed.
    public private(set) var added: [DeltaAddFile] = []
    public private(set) var rowsWritten = 0

    /// - Parameter replaces: true for partition values (as serialized in the log) being replaced.
    public init(table: DeltaTable, schema: Schema, partitionBy: [String], replaces: @escaping @Sendable ([String: String?]) -> Bool) throws {
        guard !partitionBy.isEmpty else { throw DeltaError.invalidArgument("replacing partitions needs a partitioned table") }
        // Before any file is written: a table of other columns or partitioning is refused up front.
        if table.exists { try table.snapshot().checkCompatible(schema: schema, partitionBy: partitionBy) }
        self.table = table
        self.schema = schema
        self.partitionBy = partitionBy
        self.replaces = replaces
        writer = DeltaFileWriter(tablePath: table.path, schema: schema, partitionColumns: partitionBy)
    }

    /// Writes `batch` (with the replacement's schema) as durable data files; every row must fall
    /// in a replaced partition.
    public func write(_ batch: RecordBatch) throws {
        guard batch.schema.fields.map({ "\($0.name): \($0.type)" }) == schema.fields.map({ "\($0.name): \($0.type)" }) else {
            throw DeltaError.schemaMismatch(table.path, "rows (\(batch.schema.names.joined(separator: ", "))) do not have the replacement's columns (\(schema.names.joined(separator: ", ")))")
        }
        let adds = try writer.write(batch)
        added += adds
        for a in adds where !replaces(a.partitionValues) {
            throw DeltaError.invalidArgument(
                "the new rows include partition \(DeltaPartition.directory(columns: partitionBy, values: a.partitionValues)), which is not being replaced")
        }
        rowsWritten += batch.rowCount
    }

    /// Commits the replacement against `readSnapshot` (nil: the table did not exist when read).
    ///
    /// - Parameters:
    ///   - predicate: a human-readable description of the replaced partitions, for history.
    ///   - appTransaction: recorded as the commit's `txn`.
    ///   - operationParameters: extra entries for `commitInfo.operationParameters`.
    public func commit(
        readSnapshot: DeltaSnapshot?, predicate: String, appTransaction: DeltaTxn? = nil, operationParameters: [String: String] = [:]
    ) throws -> DeltaReplaceResult {
        if let readSnapshot { try readSnapshot.checkCompatible(schema: schema, partitionBy: partitionBy) }
        let removed = readSnapshot?.addFiles.filter { replaces($0.partitionValues) } ?? []
        var parameters = ["mode": "Overwrite", "partitionBy": "[" + partitionBy.map { "\"\($0)\"" }.joined(separator: ",") + "]", "predicate": predicate]
        parameters.merge(operationParameters) { old, _ in old }
        let info = DeltaCommitInfo(
            timestamp: nil, operation: "WRITE", operationParameters: parameters, isBlindAppend: false,
            operationMetrics: [
                "numAddedFiles": Int64(added.count), "numRemovedFiles": Int64(removed.count), "numOutputRows": Int64(rowsWritten),
            ])
        let readSet = DeltaReadSet(readsPartition: replaces, removedPaths: Set(removed.map(\.path)))
        let adds = added, schema = schema, partitionBy = partitionBy, path = table.path
        let commit = try table.commit(info, appTransaction: appTransaction, readVersion: readSnapshot?.version, readSet: readSet) { base in
            guard let base else {
                guard readSnapshot == nil else { throw DeltaError.concurrentModification(path, "the table disappeared during the replacement") }
                return DeltaTable.creationActions(schema: schema, partitionBy: partitionBy, configuration: [:]) + adds.map { .add($0) }
            }
            try base.checkCompatible(schema: schema, partitionBy: partitionBy)
            let now = currentTimeMillis()
            return removed.map { .remove($0.remove(at: now, dataChange: true)) } + adds.map { .add($0) }
        }
        var result = DeltaReplaceResult(filesRemoved: removed.count, filesAdded: adds.count, rowsWritten: rowsWritten)
        if case .committed(let v) = commit { result.version = v }
        added = []
        return result
    }

    /// Deletes the data files written and not committed (a replacement given up, e.g. after a conflict).
    public func abandon() {
        for a in added { try? table.log.storage.remove(FilePaths.join(table.path, DeltaPartition.uriDecode(a.path))) }
        added = []
        rowsWritten = 0
    }
}
