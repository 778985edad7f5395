import Columnar
import Formats

/// What a read of a table did: how many files the log listed, how many were pruned by
/// partition values or skipped by statistics, and how many were actually opened.
public struct DeltaScanMetrics: Sendable, Hashable {
    public var filesInSnapshot = 0
    public var filesPrunedByPartition = 0
    public var filesSkippedByStats = 0
    public var filesOpened = 0
    public var rowGroupsRead = 0
    public var rowGroupsSkipped = 0

    public init() {}
}

/// Rows read from a table and the scan's metrics.
public struct DeltaScanResult: Sendable {
    public let batch: RecordBatch
    public let metrics: DeltaScanMetrics
}

extension DeltaSnapshot {
    /// Reads the table (batch mode): the files come from the log, never from listing
    /// directories. A predicate prunes partitions (conjuncts on partition columns only), skips
    /// files and row groups whose statistics exclude it (`col op literal` conjuncts), and then
    /// filters the rows, so the result is exactly the matching rows.
    ///
    /// - Parameters:
    ///   - columns: columns to return, in order (all when nil).
    ///   - predicate: a boolean expression over the table's columns.
    public func read(columns: [String]? = nil, where predicate: Expr? = nil) throws -> DeltaScanResult {
        var metrics = DeltaScanMetrics()
        let files = try selectFiles(where: predicate, metrics: &metrics)
        let batch = try readFiles(files, columns: columns, where: predicate, metrics: &metrics)
        return DeltaScanResult(batch: batch, metrics: metrics)
    }

    /// The live files that may hold rows matching `predicate`, in path order.
    public func selectFiles(where predicate: Expr?, metrics: inout DeltaScanMetrics) throws -> [DeltaAddFile] {
        let all = addFiles
        metrics.filesInSnapshot += all.count
        guard let predicate else { return all }
        let conjuncts = ScanPredicate.conjuncts(predicate)
        let partitionSet = Set(partitionColumns)
        let partitionConjuncts = conjuncts.filter { !$0.referencedColumns.isEmpty && $0.referencedColumns.isSubset(of: partitionSet) }
        var keep = [Bool](repeating: true, count: all.count)
        if !partitionConjuncts.isEmpty && !all.isEmpty {
            let fields = schema.fields.filter { partitionSet.contains($0.name) }
            let rows = all.map { f in fields.map { DeltaPartition.parse(f.partitionValues[$0.name] ?? nil, as: $0.type) } }
            let values = try RecordBatch.fromRows(rows, schema: Schema(fields))
            for c in partitionConjuncts {
                let mask = try c.evaluateMask(values)
                for i in keep.indices where !mask[i] { keep[i] = false }
            }
            metrics.filesPrunedByPartition += keep.filter { !$0 }.count
        }
        let comparisons = conjuncts.compactMap { ScanPredicate.Comparison($0, schema: schema) }.filter { !partitionSet.contains($0.column) }
        if !comparisons.isEmpty {
            for i in all.indices where keep[i] {
                guard let stats = all[i].parsedStats else { continue }
                let excluded = comparisons.contains { c in
                    let type = schema.field(c.column)!.type
                    return !c.mightMatch(
                        min: stats.lowerBound(c.column, type: type), max: stats.upperBound(c.column, type: type),
                        nullCount: stats.nullCount[c.column], rowCount: stats.numRecords)
                }
                if excluded {
                    keep[i] = false
                    metrics.filesSkippedByStats += 1
                }
            }
        }
        return all.indices.filter { keep[$0] }.map { all[$0] }
    }

    /// Reads `files` (live files of this snapshot) with partition columns filled in from the
    /// log, skipping row groups the predicate excludes and filtering rows by it.
    public func readFiles(
        _ files: [DeltaAddFile], columns: [String]? = nil, where predicate: Expr? = nil, metrics: inout DeltaScanMetrics
    ) throws -> RecordBatch {
        let outNames = columns ?? schema.names
        let outSchema = Schema(try outNames.map { schema.fields[try schema.require($0)] })
        var needed = outNames
        for c in (predicate?.referencedColumns ?? []).sorted() where !needed.contains(c) {
            guard schema.index(of: c) != nil else { throw ColumnarError.unknownColumn(c, available: schema.names) }
            needed.append(c)
        }
        let readSchema = Schema(needed.map { schema.field($0)! })
        let comparisons = predicate.map { ScanPredicate.conjuncts($0).compactMap { ScanPredicate.Comparison($0, schema: schema) } } ?? []
        var batches: [RecordBatch] = []
        for f in files {
            var b = try readFile(f, schema: readSchema, comparisons: comparisons, metrics: &metrics)
            if let predicate, b.rowCount > 0 { b = b.filter(try predicate.evaluateMask(b)) }
            batches.append(needed.count == outNames.count ? b : try b.project(outNames))
        }
        return try RecordBatch.concat(batches, schema: outSchema)
    }

    /// One data file as a batch of `readSchema` (a subset of the table's columns).
    func readFile(
        _ file: DeltaAddFile, schema readSchema: Schema, comparisons: [ScanPredicate.Comparison], metrics: inout DeltaScanMetrics
    ) throws -> RecordBatch {
        let parquet = try openDataFile(file)
        metrics.filesOpened += 1
        let partitionSet = Set(partitionColumns)
        let fromFile = readSchema.fields.filter { !partitionSet.contains($0.name) && parquet.schema.index(of: $0.name) != nil }
        var groups: [Int] = []
        for g in parquet.rowGroups {
            let excluded = comparisons.contains { c in
                guard fromFile.contains(where: { $0.name == c.column }), let s = g.statistics(for: c.column) else { return false }
                return !c.mightMatch(min: s.min, max: s.max, nullCount: s.nullCount.map(Int64.init), rowCount: Int64(g.rowCount))
            }
            if excluded { metrics.rowGroupsSkipped += 1 } else { groups.append(g.index) }
        }
        metrics.rowGroupsRead += groups.count
        let rows = groups.reduce(0) { $0 + parquet.rowGroups[$1].rowCount }
        let data = groups.isEmpty ? nil : try readingDataFile(file) { try parquet.read(columns: fromFile.map(\.name), rowGroups: groups) }
        var columns: [Column] = []
        for f in readSchema.fields {
            if partitionSet.contains(f.name) {
                let v = DeltaPartition.parse(file.partitionValues[f.name] ?? nil, as: f.type)
                columns.append(Column.repeating(v, type: f.type, count: rows))
            } else if let data, let c = try? data.column(f.name) {
                guard c.type == f.type else {
                    throw DeltaError.schemaMismatch(tablePath, "column '\(f.name)' is \(c.type) in \(file.path), the table says \(f.type)")
                }
                columns.append(c)
            } else {
                // Missing in this file (written before the column existed): nulls.
                columns.append(Column.repeating(.null, type: f.type, count: rows))
            }
        }
        if readSchema.count == 0 { return RecordBatch(emptyWithRows: rows) }
        return try RecordBatch(schema: readSchema, columns: columns)
    }
}

extension DeltaSnapshot {
    /// Opens a live data file of this snapshot (its footer only).
    func openDataFile(_ file: DeltaAddFile) throws -> ParquetFile {
        let path = FilePaths.join(tablePath, try location(of: file.path))
        return try readingDataFile(file) { try ParquetFile(path: path) }
    }

    /// Runs `body`, which reads `file` (a `ParquetFile` reads its column chunks by path, so the
    /// file can vanish after its footer was read too). A reader of an older version loses its
    /// file once a newer version removed it and vacuum deleted it: that is a concurrent change
    /// (read again), not a broken log.
    func readingDataFile<T>(_ file: DeltaAddFile, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            // The Parquet reader wraps I/O errors of column chunks: ask the disk instead.
            let gone = (error as? IOError)?.isNotFound == true
                || ((try? location(of: file.path)).map { !FileSystem.exists(FilePaths.join(tablePath, $0)) } ?? false)
            guard gone else { throw error }
            if let latest = try? DeltaTable(path: tablePath).snapshot(), latest.version > version, latest.files[file.path] == nil {
                throw DeltaError.concurrentModification(
                    tablePath, "data file \(file.path) of version \(version) was removed by version \(latest.version) or earlier and deleted by vacuum while being read; read the table again")
            }
            throw DeltaError.corruptLog(tablePath, "data file \(file.path) referenced by the log is missing (\(error))")
        }
    }
}

/// Predicate analysis for skipping: conjuncts and `column op literal` comparisons.
enum ScanPredicate {
    /// The AND-ed parts of `e`.
    static func conjuncts(_ e: Expr) -> [Expr] {
        switch e {
        case .binary(.and, let l, let r): return conjuncts(l) + conjuncts(r)
        case .alias(let inner, _): return conjuncts(inner)
        default: return [e]
        }
    }

    /// `column op literal` (either side), `column IS NULL` or `column IS NOT NULL`.
    struct Comparison {
        enum Op { case eq, lt, le, gt, ge, isNull, isNotNull }
        let column: String
        let op: Op
        let value: Value

        init?(_ e: Expr, schema: Schema) {
            func typed(_ v: Value, _ c: String) -> Value? {
                guard let t = schema.field(c)?.type, let x = v.cast(to: t), x != .null else { return nil }
                return x
            }
            switch e {
            case .isNull(.column(let c)) where schema.index(of: c) != nil:
                column = c; op = .isNull; value = .null
            case .isNotNull(.column(let c)) where schema.index(of: c) != nil:
                column = c; op = .isNotNull; value = .null
            case .binary(let o, .column(let c), .literal(let v)):
                guard let x = typed(v, c), let op = Self.op(o, flipped: false) else { return nil }
                column = c; self.op = op; value = x
            case .binary(let o, .literal(let v), .column(let c)):
                guard let x = typed(v, c), let op = Self.op(o, flipped: true) else { return nil }
                column = c; self.op = op; value = x
            default:
                return nil
            }
        }

        private static func op(_ o: BinaryOperator, flipped: Bool) -> Op? {
            switch o {
            case .equal: return .eq
            case .less: return flipped ? .gt : .lt
            case .lessOrEqual: return flipped ? .ge : .le
            case .greater: return flipped ? .lt : .gt
            case .greaterOrEqual: return flipped ? .le : .ge
            default: return nil
            }
        }

        /// False only when bounds prove no row matches (`.null` bounds are unknown).
        func mightMatch(min: Value, max: Value, nullCount: Int64?, rowCount: Int64?) -> Bool {
            let nonNull = nullCount.flatMap { n in rowCount.map { $0 - n } }
            switch op {
            case .isNull: return nullCount.map { $0 > 0 } ?? true
            case .isNotNull: return nonNull.map { $0 > 0 } ?? true
            default: break
            }
            if nonNull == 0 { return false }  // all null: no comparison is true
            let cmpMin = ParquetColumnStatistics.compare(min, value)
            let cmpMax = ParquetColumnStatistics.compare(max, value)
            switch op {
            case .eq: return !((cmpMin.map { $0 > 0 } ?? false) || (cmpMax.map { $0 < 0 } ?? false))
            case .lt: return !(cmpMin.map { $0 >= 0 } ?? false)
            case .le: return !(cmpMin.map { $0 > 0 } ?? false)
            case .gt: return !(cmpMax.map { $0 <= 0 } ?? false)
            case .ge: return !(cmpMax.map { $0 < 0 } ?? false)
            case .isNull, .isNotNull: return true
            }
        }
    }
}
