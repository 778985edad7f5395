import Columnar
import Foundation
import Operators
import Sinks

/// What a replay did.
public struct ReplayResult: Sendable, Equatable {
    /// Source rows in the time range.
    public var inputRows = 0
    /// Rows the query produced and wrote.
    public var outputRows = 0
    public var filesRemoved = 0
    public var filesAdded = 0
    /// The table version of the replacement commit.
    public var version: Int64?
}

extension DataStreamWriter {
    /// Backfill: runs the query definition once, in batch mode, over the source's rows whose
    /// event time lies in `[from, to)`, and atomically replaces exactly the days of that range
    /// in the Delta table this writer targets (one commit: remove the days' files, add the new
    /// ones). Replaying the same range twice leaves the table as after once; other days are
    /// untouched; a streaming query writing the same table keeps running.
    ///
    /// The sink must be `.delta(path, partitionBy:)` whose first partition column is a date
    /// column derived from the event time, and the range must be whole days (UTC), so that
    /// every replaced partition is recomputed in full. Batch mode means the whole range is one
    /// batch with no late data: windows are all final, as if the watermark had passed them.
    /// The commit carries a `txn` with app id `sluice-replay[:queryName]`.
    ///
    /// - Parameters:
    ///   - from: start of the range, µs since the epoch (UTC midnight), inclusive.
    ///   - to: end of the range, µs since the epoch (UTC midnight), exclusive.
    ///   - eventTime: the source column holding event time; defaults to the `withWatermark` column.
    public func replay(from: Int64, to: Int64, eventTime: String? = nil) throws -> ReplayResult {
        guard case .delta(let path, let partitionBy, _)? = sinkFormat else {
            throw QueryError.invalidQuery("replay writes a Delta table: call .format(.delta(path, partitionBy: [\"date\"])) first")
        }
        guard from < to, from % Timestamps.microsPerDay == 0, to % Timestamps.microsPerDay == 0 else {
            throw QueryError.invalidQuery(
                "replay range [\(Timestamps.format(from)), \(Timestamps.format(to))) must be whole UTC days, so each replaced partition is recomputed in full")
        }
        if let error = stream.error { throw QueryError.invalidQuery(error) }
        try QueryPlanner.validate(outputMode: mode, plan: stream.plan)
        let specs = stream.plan.sources
        guard specs.count == 1 else { throw QueryError.invalidQuery("a query reads exactly one stream (got \(specs.count))") }
        guard let column = eventTime ?? Self.watermarkColumn(stream.plan) else {
            throw QueryError.invalidQuery("replay needs the event-time column: pass eventTime: or declare withWatermark")
        }
        let sourceSchema = try specs[0].resolvedSchema()
        guard sourceSchema.field(column)?.type == .timestamp else {
            throw QueryError.invalidQuery("replay: '\(column)' is not a timestamp column of the source (\(sourceSchema.names.joined(separator: ", ")))")
        }
        let inRange = col(column) >= lit(.timestamp(from)) && col(column) < lit(.timestamp(to))
        let input = try Self.readBounded(specs[0], where: inRange)

        let stateDir = FilePaths.join(NSTemporaryDirectory(), "sluice-replay-\(UUID().uuidString.lowercased())")
        try FileSystem.createDirectory(stateDir)
        defer { try? FileSystem.removeTree(stateDir) }
        let plan = try QueryPlanner.physical(
            stream.plan, sourceSchemas: [input.schema], outputMode: mode, state: .init(checkpointRoot: stateDir, partitions: 1))
        // One batch holding the whole range: nothing is late, and every window is final.
        let context = StatefulContext(batchId: 0, watermarkForLateEvents: nil, watermarkForEviction: Int64.max / 2)
        let output = try plan.execute([input], inputSchema: input.schema, context: context)

        guard let dateColumn = partitionBy.first, plan.outputSchema.field(dateColumn)?.type == .date else {
            throw QueryError.invalidQuery("replay replaces whole days: the table's first partition column must be a date column of the output")
        }
        let firstDay = Int32(from / Timestamps.microsPerDay), endDay = Int32(to / Timestamps.microsPerDay)
        let replaces: ([String: String?]) -> Bool = { values in
            guard let s = values[dateColumn] ?? nil, let d = Dates.parse(s) else { return false }
            return d >= firstDay && d < endDay
        }
        let appId = "sluice-replay" + (name.map { ":" + $0 } ?? "")
        let r = try DeltaTable(path: path).replacePartitions(
            with: output, partitionBy: partitionBy, where: replaces,
            predicate: "\(dateColumn) >= '\(Dates.format(firstDay))' AND \(dateColumn) < '\(Dates.format(endDay))'",
            appTransaction: DeltaTxn(appId: appId, version: Int64(Date().timeIntervalSince1970 * 1000)))
        return ReplayResult(
            inputRows: input.rowCount, outputRows: output.rowCount, filesRemoved: r.filesRemoved, filesAdded: r.filesAdded,
            version: r.version)
    }

    /// The column of the first `withWatermark` in the plan.
    static func watermarkColumn(_ plan: LogicalPlan) -> String? {
        if case .watermark(let column, _, _, _) = plan { return column }
        return plan.children.lazy.compactMap(watermarkColumn).first
    }

    /// All of a source's current data matching `predicate`, read once as a bounded table.
    /// A Delta source prunes partitions and skips files by statistics; a file source reads
    /// its files and filters the rows.
    static func readBounded(_ spec: any SourceSpec, where predicate: Expr) throws -> RecordBatch {
        if let delta = spec as? DeltaSourceSpec {
            return try DeltaTable(path: delta.path).snapshot().read(columns: delta.columns, where: predicate).batch
        }
        let scratch = FilePaths.join(NSTemporaryDirectory(), "sluice-replay-source-\(UUID().uuidString.lowercased())")
        defer { try? FileSystem.removeTree(scratch) }
        let source = try spec.makeSource(metadataPath: scratch)
        guard let end = try source.latestOffset(start: nil, limit: .all) else { return .empty(source.schema) }
        let all = try source.getBatch(start: nil, end: end, batchId: 0).combined()
        return all.filter(try predicate.evaluateMask(all))
    }
}
