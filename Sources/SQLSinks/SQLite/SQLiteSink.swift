import Columnar
import Formats
import SQLSinkCore
import Sinks
import Synchronization

/// Writes a query's result into a table of an SQLite database file, each batch exactly once:
/// the PostgreSQL sink's three modes and progress table, for a dashboard on one machine.
///
/// The database is in WAL mode, so readers see the last committed batch while the next one is
/// written. Types: int64 `INTEGER`, double `REAL` (NaN is stored as NULL, as SQLite does),
/// bool `BOOLEAN` (0/1), string `TEXT`, timestamp `TIMESTAMP` holding UTC text
/// `YYYY-MM-DD HH:MM:SS.ffffff` (it sorts and compares with `datetime('now', ...)`), date
/// `DATE` holding `YYYY-MM-DD`.
public final class SQLiteSink: Sink {
    public let path: String
    public let table: String
    public let keys: [String]
    private let state = Mutex(State())

    private struct State {
        var db: SQLiteDatabase?
        var spec: SQLTableSpec?
        var queryId: String?
        var trace: PhaseTrace?
    }

    /// A sink writing `table` in the SQLite database file at `path` (created if absent).
    public init(path: String, table: String, keys: [String] = []) {
        self.path = path
        self.table = table
        self.keys = keys
    }

    public var description: String { "SQLiteSink[\(path) table \(table)]" }

    public func open(_ context: SinkContext) throws {
        let spec = try SQLTableSpec(dialect: .sqlite, table: table, keys: keys, schema: context.schema, mode: context.outputMode)
        try state.withLock { s in
            try SQLiteTableSetup.prepare(try database(&s), spec)
            s.spec = spec
            s.queryId = context.queryId
            s.trace = context.phaseTrace
        }
    }

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws {
        try state.withLock { s in
            guard let spec = s.spec, let queryId = s.queryId else {
                throw SQLSinkError.invalidConfiguration("\(description) got batch \(batchId) before open()")
            }
            _ = try SQLiteBatchWriter(db: try database(&s), spec: spec, queryId: queryId, trace: s.trace).apply(batchId: batchId, batch: batch)
        }
    }

    /// The last batch of this query the table holds, for the engine's start-up cross-check
    /// with the checkpoint (`Sink.lastAppliedBatch`).
    public func lastAppliedBatch() throws -> AppliedBatches {
        guard let queryId = state.withLock({ $0.queryId }) else { return .unknown }
        return try lastAppliedBatchId(queryId: queryId).map { .through($0) } ?? .none
    }

    /// The last batch id of query `queryId` this sink's table holds, or nil if it holds none.
    public func lastAppliedBatchId(queryId: String) throws -> Int64? {
        try state.withLock { s in try SQLiteTableSetup.lastAppliedBatchId(try database(&s), queryId: queryId, table: table) }
    }

    private func database(_ s: inout State) throws -> SQLiteDatabase {
        if let db = s.db { return db }
        let db = try SQLiteDatabase(path: path)
        s.db = db
        return db
    }
}
