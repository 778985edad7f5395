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
            return DataStream(session: session, plan: .source(DeltaSourceSpec(path: path, options: options)))
        }
        guard let schema = userSchema else {
            throw QueryError.invalidQuery("a file stream needs a schema: call .schema(...) before load(\"\(path)\")")
        }
        try Self.validateFieldNames(schema)
        if Storage.isRemote(path) {
            throw QueryError.invalidQuery(
                "load(\"\(path)\"): the file source reads local directories only; files in an object store are not streamed yet (tables, checkpoints and bad records may be on S3)")
        }
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
    let schema: Schema
    let options: FileSourceOptions

    /// The source's schema as it would be at start (partition directories are discovered by listing).
    func resolvedSchema() throws -> Schema {
        try makeFileSource(metadataPath: nil).schema
    }

    /// - Parameter metadataPath: the source log's directory; nil for a throwaway instance that only reports its schema.
    func makeFileSource(metadataPath: String?) throws -> FileStreamSource {
        try FileStreamSource(root: path, dataSchema: schema, options: options, metadataPath: metadataPath) { fileSchema in
            switch format {
            case .jsonLines: return JSONLinesReader(schema: fileSchema, options: options.effectiveReader)
            case .csv: return CSVReader(schema: fileSchema, options: options.effectiveReader)
            case .delta: preconditionFailure("load() builds a DeltaSourceSpec for .delta")
            }
        }
    }
}
