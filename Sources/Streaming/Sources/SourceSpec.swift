import Columnar

/// A source as the user described it, before the query's checkpoint is known. The planner asks
/// it for its schema; `start()` asks it to build the live source with its checkpoint directory.
protocol SourceSpec: Sendable {
    /// The schema the source will produce, known without any I/O (declared by the user, or read
    /// once when the source was described).
    var schema: Schema { get }
    /// The live source, keeping its own metadata (if any) under `metadataPath`.
    func makeSource(metadataPath: String) throws -> any StreamSource
    /// How much one batch may take from this source.
    var readLimit: ReadLimit { get }
    /// The same source producing only `columns` (and whatever it cannot leave out).
    func pruned(to columns: Set<String>) -> any SourceSpec
    /// The same source told that the query drops rows failing `predicate` (see `FilterPushdown`).
    func pushingFilter(_ predicate: Expr) -> any SourceSpec
    /// Which data the source reads, recorded in the checkpoint and compared on every start.
    func identity() throws -> SourceIdentity
}

extension SourceSpec {
    func pruned(to columns: Set<String>) -> any SourceSpec { self }
    func pushingFilter(_ predicate: Expr) -> any SourceSpec { self }
}

extension FileSourceSpec: SourceSpec {
    func makeSource(metadataPath: String) throws -> any StreamSource {
        try makeFileSource(metadataPath: metadataPath)
    }

    var readLimit: ReadLimit { options.fileReadLimit }

    /// Keeps the declared fields the query reads. When malformed lines decide which rows
    /// exist or fill a corrupt-record column the query reads, every declared field is still
    /// read (`FileSourceOptions.judgesWholeRecords`): a value that does not fit its type in a
    /// column the query leaves out must make the line malformed all the same. Spark's JSON
    /// reader only checks the columns a query reads; its CSV reader has the same choice behind
    /// `spark.sql.csv.parser.columnPruning.enabled`.
    func pruned(to columns: Set<String>) -> any SourceSpec {
        var options = options
        // A partition directory named like a pruned column is still a declared column.
        if options.declaredSchema == nil { options.declaredSchema = declared }
        let corrupt = options.reader.corruptRecordColumn
        let wholeRecords = options.judgesWholeRecords(reading: columns)
        // Partition columns come from directory names; keep their declared types.
        let kept = declared.fields.filter { f in
            let name = FieldPath.columnName(f.name)
            return columns.contains(name) || (wholeRecords && name != corrupt)
        }
        return FileSourceSpec(path: path, format: format, schema: Schema(kept), options: options)
    }

    /// JSON readers test pushed conditions in place; CSV ones would gain little (every field is
    /// split anyway), so CSV sources are left as they are.
    func pushingFilter(_ predicate: Expr) -> any SourceSpec {
        let columns = Schema(declared.fields.map { Field(FieldPath.columnName($0.name), $0.type) })
        guard format == .jsonLines, let filter = FilterPushdown.scanFilter(predicate, schema: columns) else { return self }
        var options = options
        options.reader.scanFilter = filter
        return FileSourceSpec(path: path, format: format, schema: declared, options: options)
    }
}
