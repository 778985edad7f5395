import Columnar
import Formats
import Delta
import Sinks

/// A bounded table, e.g. a dimension table to join a stream with: read once, or re-read when
/// it changes (`DataReader.refreshing()`).
public struct StaticTable: Sendable {
    /// The rows as `load` read them (a refreshable table's first version).
    public let batch: RecordBatch
    public var schema: Schema { batch.schema }
    /// How a refreshable table is re-read; nil for a table read once.
    let refresh: StaticTableRefresh?

    public init(_ batch: RecordBatch) {
        self.batch = batch
        refresh = nil
    }

    init(_ batch: RecordBatch, refresh: StaticTableRefresh) {
        self.batch = batch
        self.refresh = refresh
    }

    /// True when a join re-reads the table as it changes.
    public var isRefreshing: Bool { refresh != nil }
}

/// Reads a bounded table: `session.read.format(.jsonLines).schema(s).load("campaigns.jsonl")`.
public struct DataReader: Sendable {
    var format: SourceFormat = .jsonLines
    var userSchema: Schema?
    var options = ReaderOptions(mode: .failFast, corruptRecordColumn: nil)
    var predicate: Expr?
    var refreshInterval: Duration?

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

    /// Makes the loaded table refreshable: a stream-static join checks it at the start of each
    /// micro-batch (at most once per `checkEvery`) and, when it changed, re-reads it and joins
    /// with the new version from that batch on. A Delta table changes with each new version;
    /// files when one is added or removed or gets another size, modification time or inode.
    ///
    /// Each batch joins with exactly one version of the table, never a mix. The version is not
    /// part of the checkpoint: a batch re-run after a crash joins with the version current when
    /// it re-runs.
    public func refreshing(checkEvery: Duration = .zero) -> DataReader {
        var c = self
        c.refreshInterval = checkEvery
        return c
    }

    /// Reads a file, or every data file under a directory (names starting with `.` or `_` skipped),
    /// or the latest version of a Delta table (its files found through the log).
    public func load(_ path: String) throws -> StaticTable {
        guard let interval = refreshInterval else { return StaticTable(try read(path).batch) }
        var reader = self
        reader.refreshInterval = nil
        let source = StaticTableSource(reader: reader, path: path)
        let first = try source.read()
        return StaticTable(first.batch, refresh: StaticTableRefresh(source: source, first: first, checkEvery: interval))
    }

    /// The table at `path` as it is now, and which version that is. `deltaTable`, when given,
    /// is the same table's object kept between reads, so a re-read only probes for new commits.
    func read(_ path: String, deltaTable: DeltaTable? = nil) throws -> (version: StaticTableVersion, batch: RecordBatch) {
        if format == .delta {
            let snapshot = try (deltaTable ?? DeltaTable(path: path)).snapshot()
            return (.delta(snapshot.version), try snapshot.read(columns: userSchema?.names, where: predicate).batch)
        }
        let files = try listFiles(path)
        return (.files(files), try readFiles(files.map(\.path), describing: path))
    }

    /// The data files at `path` (the file itself, or those under the directory), with their status.
    func listFiles(_ path: String) throws -> [StaticTableVersion.FileStamp] {
        let paths: [String]
        if FileSystem.isDirectory(path) {
            paths = try FileListing.list(root: path, glob: nil).files.map { FilePaths.join(path, $0.path) }
        } else {
            paths = [path]
        }
        return paths.map { StaticTableVersion.FileStamp(path: $0, status: FileSystem.status($0, followLinks: true)) }
    }

    private func readFiles(_ files: [String], describing path: String) throws -> RecordBatch {
        guard let schema = userSchema else { throw QueryError.invalidQuery("reading \(path) needs a schema: call .schema(...)") }
        try DataStreamReader.validateFieldNames(schema)
        let reader: any RecordFileReader
        switch format {
        case .jsonLines: reader = JSONLinesReader(schema: schema, options: options)
        case .csv: reader = CSVReader(schema: schema, options: options)
        case .delta: preconditionFailure("a Delta table is read through its log")
        }
        let batches = try files.map { try reader.read(path: $0).batch }
        let all = try RecordBatch.concat(batches, schema: reader.outputSchema)
        return try predicate.map { all.filter(try $0.evaluateMask(all)) } ?? all
    }
}

extension StreamingSession {
    /// A builder for reading a bounded table.
    public var read: DataReader { DataReader() }
}

extension DataStream {
    /// Joins every row of the stream with the rows of `table` that have equal values in the
    /// columns `on` (a stream-static join). The table's hash index is built once per query
    /// start, and again whenever a refreshable table (`DataReader.refreshing()`) changed.
    public func join(_ table: StaticTable, on keys: [String], type: JoinType = .inner) -> DataStream {
        with(.joinStatic(table, keys: keys, type: type, outputs: nil, plan))
    }

    public func join(_ table: StaticTable, on key: String, type: JoinType = .inner) -> DataStream {
        join(table, on: [key], type: type)
    }
}
