import Columnar
import Formats
import Delta
import Sinks

/// Describes a streaming source: `session.readStream.format(.jsonLines).schema(s).load(path)`.
public struct DataStreamReader: Sendable {
    let session: StreamingSession
    var format: SourceFormat = .jsonLines
    var userSchema: Schema?
    var options = FileSourceOptions()

    init(session: StreamingSession) {
        self.session = session
    }

    public func format(_ f: SourceFormat) -> DataStreamReader {
        var c = self
        c.format = f
        return c
    }

    /// The columns to read. Streaming sources need a schema up front, as in Spark: inference
    /// from whatever files happen to exist at start would change the query's meaning later.
    public func schema(_ s: Schema) -> DataStreamReader {
        var c = self
        c.userSchema = s
        return c
    }

    public func option(_ o: SourceOption) -> DataStreamReader {
        var c = self
        o.apply(to: &c.options)
        return c
    }

    /// The stream of files under `path` (or of the Delta table at `path`).
    public func load(_ path: String) throws -> DataStream {
        if format == .delta {
            guard DeltaTable.exists(at: path) else { throw DeltaError.notATable(FileSystem.absolute(path)) }
            // The schema is the table's, read once here, so the stream's schema is known without I/O later.
            let schema = try DeltaTable(path: path).snapshot().schema
            return DataStream(session: session, plan: .source(DeltaSourceSpec(path: path, options: options, tableSchema: schema)))
        }
        guard let schema = userSchema else {
            throw QueryError.invalidQuery("a file stream needs a schema: call .schema(...) before load(\"\(path)\")")
        }
        try Self.validateFieldNames(schema)
        guard FileSystem.isDirectory(path) else { throw SourceError.missingDirectory(FileSystem.absolute(path)) }
        let spec = FileSourceSpec(path: path, format: format, schema: schema, options: options)
        return DataStream(session: session, plan: .source(spec))
    }
}

extension DataStreamReader {
    /// Rejects a schema whose field names are badly quoted or name one column twice (`a.b` read
    /// as a nested path and `` `a.b` `` as a literal key are both the column `a.b`).
    static func validateFieldNames(_ schema: Schema) throws {
        var seen: [String: String] = [:]
        for field in schema.fields {
            do { _ = try FieldPath.parse(field.name) } catch let e as ColumnarError { throw QueryError.invalidQuery(e.description) }
            let column = FieldPath.columnName(field.name)
            if let other = seen[column] {
                throw QueryError.invalidQuery(
                    "schema fields \(other) and \(field.name) are both read into the column '\(column)'; keep one of them (a nested path a.b and a literal key `a.b` cannot be read by one source)")
            }
            seen[column] = field.name
        }
    }
}

/// Everything needed to build a file source once the query's checkpoint is known.
struct FileSourceSpec: Sendable {
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
        case .delta: preconditionFailure("load() builds a DeltaSourceSpec for .delta")
        }
    }

    /// - Parameter metadataPath: the source log's directory; nil for a throwaway instance that only reports its schema.
    func makeFileSource(metadataPath: String?) throws -> FileStreamSource {
        try FileStreamSource(root: path, dataSchema: declared, options: options, metadataPath: metadataPath, makeReader: makeReader)
    }
}
