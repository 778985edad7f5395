import Columnar
import Formats

/// A directory of JSON-lines or CSV files as a query describes it (`readStream...load(path)`):
/// the `SourceProvider` of the file source.
struct FileSourceProvider: Sendable {
    let path: String
    let format: SourceFormat
    /// The fields the user declared (after column pruning, those the query reads); a field named
    /// like a partition directory key is filled from the directory.
    let declared: Schema
    let options: FileSourceOptions

    init(path: String, format: SourceFormat, schema: Schema, options: FileSourceOptions) {
        self.path = path
        self.format = format
        self.declared = schema
        self.options = options
    }

    /// The columns the source produces: the declared fields under their column names, then any
    /// the reader adds. Partition columns are the declared fields named like a directory key,
    /// so no directory is listed to know them.
    var schema: Schema {
        FileStreamSource.columns(declared: declared, readerOutput: makeReader(declared).outputSchema)
    }

    private func makeReader(_ fileSchema: Schema) -> any RecordFileReader {
        switch format {
        case .jsonLines: return JSONLinesReader(schema: fileSchema, options: options.effectiveReader)
        case .csv: return CSVReader(schema: fileSchema, options: options.effectiveReader)
        case .delta: preconditionFailure("load() builds a DeltaSourceProvider for .delta")
        }
    }

    /// - Parameter metadataPath: the source log's directory.
    func makeFileSource(metadataPath: String) throws -> FileStreamSource {
        try FileStreamSource(root: path, dataSchema: declared, options: options, metadataPath: metadataPath, makeReader: makeReader)
    }
}

extension FileSourceProvider: SourceProvider {
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
    func pruned(to columns: Set<String>) -> any SourceProvider {
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
        return FileSourceProvider(path: path, format: format, schema: Schema(kept), options: options)
    }

    /// JSON readers test pushed conditions in place; CSV ones would gain little (every field is
    /// split anyway), so CSV sources are left as they are.
    func pushingFilter(_ predicate: Expr) -> any SourceProvider {
        let columns = Schema(declared.fields.map { Field(FieldPath.columnName($0.name), $0.type) })
        guard format == .jsonLines, let filter = FilterPushdown.scanFilter(predicate, schema: columns) else { return self }
        var options = options
        options.reader.scanFilter = filter
        return FileSourceProvider(path: path, format: format, schema: declared, options: options)
    }
}

extension FileSourceProvider {
    func identity() throws -> SourceIdentity {
        var options: [String: String] = [:]
        if let g = self.options.pathGlobFilter { options["pathGlobFilter"] = g }
        return SourceIdentity(format: format == .csv ? "csv" : "jsonLines", path: FileSystem.absolute(path), options: options)
    }
}
