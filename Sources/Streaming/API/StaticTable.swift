import Columnar
import Formats
import Delta
import Sinks

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
    var predicate: Expr?

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

    /// Keeps only rows where `condition` is true. On a Delta table it also prunes partitions
    /// and skips files and row groups by their statistics, so only matching data is read.
    public func filter(_ condition: Expr) -> DataReader {
        var c = self
        c.predicate = c.predicate.map { $0 && condition } ?? condition
        return c
    }

    /// Reads a file, or every data file under a directory (names starting with `.` or `_` skipped),
    /// or the latest version of a Delta table (its files found through the log).
    public func load(_ path: String) throws -> StaticTable {
        if format == .delta {
            let result = try DeltaTable(path: path).snapshot().read(columns: userSchema?.names, where: predicate)
            return StaticTable(result.batch)
        }
        guard let schema = userSchema else { throw QueryError.invalidQuery("reading \(path) needs a schema: call .schema(...)") }
        try DataStreamReader.validateFieldNames(schema)
        let reader: any RecordFileReader
        switch format {
        case .jsonLines: reader = JSONLinesReader(schema: schema, options: options)
        case .csv: reader = CSVReader(schema: schema, options: options)
        case .delta: preconditionFailure("handled above")
        }
        let files: [String]
        if FileSystem.isDirectory(path) {
            files = try FileListing.list(root: path, glob: nil).files.map { FilePaths.join(path, $0.path) }
        } else {
            files = [path]
        }
        let batches = try files.map { try reader.read(path: $0).batch }
        let all = try RecordBatch.concat(batches, schema: reader.outputSchema)
        return StaticTable(try predicate.map { all.filter(try $0.evaluateMask(all)) } ?? all)
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
        with(.joinStatic(table, keys: keys, type: type, outputs: nil, plan))
    }

    public func join(_ table: StaticTable, on key: String, type: JoinType = .inner) -> DataStream {
        join(table, on: [key], type: type)
    }
}
