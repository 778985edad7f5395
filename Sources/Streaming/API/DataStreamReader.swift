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

    /// The stream a source provider describes: a source of your own (see `SourceProvider`).
    /// `format`, `schema` and `option` do not apply to it; the provider carries its settings.
    public func source(_ provider: any SourceProvider) -> DataStream {
        DataStream(session: session, plan: .source(provider))
    }

    /// The stream of files under `path` (or of the Delta table at `path`). `path` may be an
    /// `s3://bucket/prefix` URI once `S3Storage` is installed; a prefix is listed
    /// incrementally, so its keys must be written in ascending order (README, "S3 paths").
    public func load(_ path: String) throws -> DataStream {
        if format == .delta {
            guard DeltaTable.exists(at: path) else { throw DeltaError.notATable(FileSystem.absolute(path)) }
            // The schema is the table's, read once here, so the stream's schema is known without I/O later.
            let schema = try DeltaTable(path: path).snapshot().schema
            return DataStream(session: session, plan: .source(DeltaSourceProvider(path: path, options: options, tableSchema: schema)))
        }
        guard let schema = userSchema else {
            throw QueryError.invalidQuery("a file stream needs a schema: call .schema(...) before load(\"\(path)\")")
        }
        try Self.validateFieldNames(schema)
        if Storage.isRemote(path) {
            // No directory to find; asking once says early whether the storage is installed and
            // the bucket reachable.
            _ = try Storage.at(path).exists(path)
        } else {
            guard FileSystem.isDirectory(path) else { throw SourceError.missingDirectory(FileSystem.absolute(path)) }
        }
        let spec = FileSourceProvider(path: path, format: format, schema: schema, options: options)
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
