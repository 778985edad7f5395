import Columnar
import Formats

/// A bounded table read once, e.g. a dimension table to join a stream with.
public struct StaticTable: Sendable {
    public let batch: RecordBatch
    public var schema: Schema { batch.schema }

    public init(_ batch: RecordBatch) {
        self.batch = batch
    }
}

/// Reads a bounded table: `session.read.format(.jsonLines).schema(s).load("campaigns.jsonl")`.
public struct DataReader: Sendable {
    var format: SourceFormat = .jsonLines
    var userSchema: Schema?
    var options = ReaderOptions(mode: .failFast, corruptRecordColumn: nil)

    public func format(_ f: SourceFormat) -> DataReader {
        var c = self
        c.format = f
        return c
    }

    public func schema(_ s: Schema) -> DataReader {
        var c = self
        c.userSchema = s
        return c
    }

    /// How malformed lines are treated (default: fail, since a bad dimension row would silently
    /// drop every stream row that joins with it).
    public func mode(_ m: MalformedMode) -> DataReader {
        var c = self
        c.options.mode = m
        return c
    }

    /// Reads a file, or every data file under a directory (names starting with `.` or `_` skipped).
    public func load(_ path: String) throws -> StaticTable {
        guard let schema = userSchema else { throw QueryError.invalidQuery("reading \(path) needs a schema: call .schema(...)") }
        let reader: any RecordFileReader
        switch format {
        case .jsonLines: reader = JSONLinesReader(schema: schema, options: options)
        case .csv: reader = CSVReader(schema: schema, options: options)
        }
        let files: [String]
        if FileSystem.isDirectory(path) {
            files = try FileListing.list(root: path, glob: nil).map { FilePaths.join(path, $0.path) }
        } else {
            files = [path]
        }
        let batches = try files.map { try reader.read(path: $0).batch }
        return StaticTable(try RecordBatch.concat(batches, schema: reader.outputSchema))
    }
}

extension StreamingSession {
    /// A builder for reading a bounded table.
    public var read: DataReader { DataReader() }
}

extension DataStream {
    /// Joins every row of the stream with the rows of `table` that have equal values in the
    /// columns `on` (a stream-static join; the table's hash index is built once per query start).
    public func join(_ table: StaticTable, on keys: [String], type: JoinType = .inner) -> DataStream {
        with(.joinStatic(table, keys: keys, type: type, plan))
    }

    public func join(_ table: StaticTable, on key: String, type: JoinType = .inner) -> DataStream {
        join(table, on: [key], type: type)
    }
}
