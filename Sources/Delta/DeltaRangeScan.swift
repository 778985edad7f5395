import Columnar
import Formats

/// What a range scan did, for the summary a log dump prints and for benchmarks.
public struct DeltaRangeScanStatistics: Sendable, Hashable, Codable {
    /// Live files in the snapshot.
    public var filesConsidered = 0
    /// Files left out by their partition values.
    public var filesPrunedByPartition = 0
    /// Files left out by the min/max statistics in the log.
    public var filesSkippedByStats = 0
    /// Files whose footer was read.
    public var filesRead = 0
    /// Row groups in the files read.
    public var rowGroupsConsidered = 0
    /// Row groups left out by their Parquet statistics.
    public var rowGroupsSkippedByStats = 0
    /// Row groups whose filter columns were decoded.
    public var rowGroupsRead = 0
    /// Bytes read from data files: footers plus the column chunks decoded.
    public var bytesRead: Int64 = 0
    /// Bytes of all live data files (what a full scan reads).
    public var tableBytes: Int64 = 0
    /// Rows decoded and tested.
    public var rowsScanned = 0
    /// Rows that matched.
    public var rowsMatched = 0

    public init() {}
}

/// A bounded-memory scan of a Delta table for rows whose timestamp column lies in
/// [`from`, `to`) and that match a predicate, one row group at a time.
///
/// Files come from the log only (a version's live files, so compacted, replayed or vacuumed
/// files are never read twice or missed). They are pruned by partition values (equality
/// conjuncts on partition columns, and a date partition derived from the time column, see
/// below), skipped by the `add` statistics, and then row groups are skipped by their Parquet
/// statistics. Of each remaining row group the predicate's columns are decoded first; the
/// other columns only when a row matches. Each batch holds one row group's matches sorted by
/// the time column; files are visited in order of their earliest time.
///
/// A date partition column counts as derived from the time column when the log proves it:
/// every live file has statistics for the time column and its rows' days (UTC) lie within one
/// day of the file's partition date (one day either way covers partitions by local date in
/// any zone). Then partitions more than a day outside the range are pruned without looking at
/// file statistics; otherwise only the statistics skip.
public struct DeltaRangeScan: Sendable {
    public let snapshot: DeltaSnapshot
    /// Output columns, in order.
    public let schema: Schema
    public let timeColumn: String
    public private(set) var statistics = DeltaRangeScanStatistics()

    private let predicate: Expr
    private let comparisons: [ScanPredicate.Comparison]
    private let filterColumns: [String]
    private var files: [DeltaAddFile]
    private var current: (file: DeltaAddFile, parquet: ParquetFile, groups: [Int])?

    /// - Parameters:
    ///   - columns: output columns (all when nil).
    ///   - timeColumn: a timestamp column (nil: the table's only one).
    ///   - from, to: UTC microseconds, [from, to).
    ///   - where: more conditions (e.g. `col("customer") == "acme"`).
    public init(snapshot: DeltaSnapshot, columns: [String]? = nil, timeColumn: String? = nil, from: Int64, to: Int64, where condition: Expr? = nil) throws {
        self.snapshot = snapshot
        let tableSchema = snapshot.schema
        let time = try timeColumn ?? Self.onlyTimestampColumn(tableSchema, table: snapshot.tablePath)
        guard let tf = tableSchema.field(time) else { throw ColumnarError.unknownColumn(time, available: tableSchema.names) }
        guard tf.type == .timestamp else {
            throw DeltaError.invalidArgument("time column '\(time)' is \(tf.type), not a timestamp; choose one with --time-column")
        }
        guard from <= to else {
            throw DeltaError.invalidArgument("the range starts (\(Timestamps.format(from))) after it ends (\(Timestamps.format(to)))")
        }
        self.timeColumn = time
        let outNames = columns ?? tableSchema.names
        schema = Schema(try outNames.map { tableSchema.fields[try tableSchema.require($0)] })
        var p = col(time) >= lit(.timestamp(from)) && col(time) < lit(.timestamp(to))
        if let condition { p = p && condition }
        guard try p.resultType(in: tableSchema) == .bool else { throw DeltaError.invalidArgument("the condition \(p) is not boolean") }
        predicate = p
        comparisons = ScanPredicate.conjuncts(p).compactMap { ScanPredicate.Comparison($0, schema: tableSchema) }
        filterColumns = tableSchema.names.filter { p.referencedColumns.contains($0) }

        let all = snapshot.addFiles
        statistics.filesConsidered = all.count
        statistics.tableBytes = all.reduce(0) { $0 + $1.size }
        var selectBy = p
        if let date = Self.derivedDatePartition(snapshot, timeColumn: time) {
            let first = Timestamps.floorDiv(from, Timestamps.microsPerDay) - 1
            let last = Timestamps.floorDiv(max(from, to - 1), Timestamps.microsPerDay) + 1
            selectBy = selectBy && col(date) >= lit(.date(Int32(first))) && col(date) <= lit(.date(Int32(last)))
        }
        var metrics = DeltaScanMetrics()
        let selected = try snapshot.selectFiles(where: selectBy, metrics: &metrics)
        statistics.filesPrunedByPartition = metrics.filesPrunedByPartition
        statistics.filesSkippedByStats = metrics.filesSkippedByStats
        let timeType = DataType.timestamp
        func earliest(_ f: DeltaAddFile) -> Int64 {
            if case .timestamp(let t) = f.parsedStats?.lowerBound(time, type: timeType) ?? .null { return t }
            return .min
        }
        files = selected.map { (earliest($0), $0) }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.path < $1.1.path }.map(\.1)
        files.reverse()  // popped from the end
    }

    /// The next batch of matching rows (one row group's), or nil at the end.
    public mutating func next() throws -> RecordBatch? {
        while true {
            if current == nil || current!.groups.isEmpty {
                guard let file = files.popLast() else { return nil }
                try open(file)
                continue
            }
            let (file, parquet, _) = current!
            let group = current!.groups.removeFirst()
            if let batch = try read(group, of: parquet, file: file) { return batch }
        }
    }

    private mutating func open(_ file: DeltaAddFile) throws {
        let parquet = try snapshot.openDataFile(file)
        statistics.filesRead += 1
        statistics.bytesRead += Int64(parquet.footerBytesRead)
        statistics.rowGroupsConsidered += parquet.rowGroups.count
        let partitionSet = Set(snapshot.partitionColumns)
        var groups: [Int] = []
        for g in parquet.rowGroups {
            let excluded = comparisons.contains { c in
                guard !partitionSet.contains(c.column), let s = g.statistics(for: c.column) else { return false }
                return !c.mightMatch(min: s.min, max: s.max, nullCount: s.nullCount.map(Int64.init), rowCount: Int64(g.rowCount))
            }
            if excluded { statistics.rowGroupsSkippedByStats += 1 } else if g.rowCount > 0 { groups.append(g.index) }
        }
        current = (file, parquet, groups)
    }

    /// The matching rows of one row group, nil when none match.
    private mutating func read(_ group: Int, of parquet: ParquetFile, file: DeltaAddFile) throws -> RecordBatch? {
        statistics.rowGroupsRead += 1
        let rows = parquet.rowGroups[group].rowCount
        let filterBatch = try columns(filterColumns, group: group, of: parquet, file: file, rows: rows)
        statistics.rowsScanned += rows
        let mask = try predicate.evaluateMask(filterBatch)
        let matched = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard matched > 0 else { return nil }
        statistics.rowsMatched += matched
        let rest = schema.names.filter { !filterColumns.contains($0) }
        let restBatch = try columns(rest, group: group, of: parquet, file: file, rows: rows)
        var out: [Column] = []
        for name in schema.names {
            let c = filterColumns.contains(name) ? try filterBatch.column(name) : try restBatch.column(name)
            out.append(c.filter(mask))
        }
        let batch = try RecordBatch(schema: schema, columns: out)
        return try Self.sorted(batch, by: timeColumn, filterBatch: filterBatch, mask: mask)
    }

    /// `names` of one row group, partition columns from the log, columns missing in the file null.
    private mutating func columns(_ names: [String], group: Int, of parquet: ParquetFile, file: DeltaAddFile, rows: Int) throws -> RecordBatch {
        let partitionSet = Set(snapshot.partitionColumns)
        let fields = try names.map { snapshot.schema.fields[try snapshot.schema.require($0)] }
        let fromFile = fields.filter { !partitionSet.contains($0.name) && parquet.schema.index(of: $0.name) != nil }.map(\.name)
        for n in fromFile { statistics.bytesRead += Int64(parquet.rowGroups[group].columnSizes[n] ?? 0) }
        let data = fromFile.isEmpty ? nil : try snapshot.readingDataFile(file) { try parquet.read(columns: fromFile, rowGroups: [group]) }
        var cols: [Column] = []
        for f in fields {
            if partitionSet.contains(f.name) {
                cols.append(Column.repeating(DeltaPartition.parse(file.partitionValues[f.name] ?? nil, as: f.type), type: f.type, count: rows))
            } else if let data, let c = try? data.column(f.name) {
                guard c.type == f.type else {
                    throw DeltaError.schemaMismatch(snapshot.tablePath, "column '\(f.name)' is \(c.type) in \(file.path), the table says \(f.type)")
                }
                cols.append(c)
            } else {
                cols.append(Column.repeating(.null, type: f.type, count: rows))
            }
        }
        if fields.isEmpty { return RecordBatch(emptyWithRows: rows) }
        return try RecordBatch(schema: Schema(fields), columns: cols)
    }

    private static func sorted(_ batch: RecordBatch, by time: String, filterBatch: RecordBatch, mask: [Bool]) throws -> RecordBatch {
        let ts = try filterBatch.column(time).filter(mask).int64Values
        var ordered = true
        for i in ts.indices.dropFirst() where ts[i] < ts[i - 1] {
            ordered = false
            break
        }
        if ordered { return batch }
        let order = ts.indices.sorted { ts[$0] != ts[$1] ? ts[$0] < ts[$1] : $0 < $1 }
        return batch.take(order)
    }

    /// The schema's only timestamp column, or an error naming the candidates.
    public static func onlyTimestampColumn(_ schema: Schema, table: String) throws -> String {
        let ts = schema.fields.filter { $0.type == .timestamp }.map(\.name)
        guard ts.count == 1 else {
            throw DeltaError.invalidArgument(
                ts.isEmpty
                    ? "\(table) has no timestamp column; a time range needs one"
                    : "\(table) has several timestamp columns (\(ts.joined(separator: ", "))); choose one with --time-column")
        }
        return ts[0]
    }

    /// The date partition column the log proves is derived from `timeColumn` (see the type's notes), if any.
    static func derivedDatePartition(_ snapshot: DeltaSnapshot, timeColumn: String) -> String? {
        let dates = snapshot.partitionColumns.filter { snapshot.schema.field($0)?.type == .date }
        guard dates.count == 1, let date = dates.first else { return nil }
        for f in snapshot.files.values {
            guard let stats = f.parsedStats, let rows = stats.numRecords else { return nil }
            if rows == 0 || stats.nullCount[timeColumn] == rows { continue }
            guard case .date(let day) = DeltaPartition.parse(f.partitionValues[date] ?? nil, as: .date),
                case .timestamp(let lo) = stats.lowerBound(timeColumn, type: .timestamp),
                case .timestamp(let hi) = stats.upperBound(timeColumn, type: .timestamp)
            else { return nil }
            let first = Timestamps.floorDiv(lo, Timestamps.microsPerDay), last = Timestamps.floorDiv(hi, Timestamps.microsPerDay)
            guard first >= Int64(day) - 1, last <= Int64(day) + 1 else { return nil }
        }
        return date
    }
}
