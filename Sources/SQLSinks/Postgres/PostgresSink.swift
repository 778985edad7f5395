import Columnar
import Formats
import PostgresNIO
import SQLSinkCore
import Sinks
import Synchronization

/// Writes a query's result into a PostgreSQL table, each batch exactly once.
///
/// Append mode adds the batch's rows with `COPY`; update mode upserts them on `keys`
/// (`INSERT ... ON CONFLICT (keys) DO UPDATE`); complete mode replaces the table's rows. Each
/// batch is one transaction that also stores (query id, table, batch id) in `sluice_progress`,
/// and a batch at or below the stored id is skipped, so a batch re-run after a crash changes
/// nothing (see `PostgresBatchWriter`).
///
/// `open` creates the table if absent (timestamps `timestamptz`, dates `date`, strings `text`,
/// int64 `bigint`, doubles `double precision`, bools `boolean`; in update mode the keys are the
/// primary key) or checks an existing one against the query's output and fails with the
/// differences. The connection string's password (or `PGPASSWORD`) is never shown.
///
/// The sink's calls block their thread until PostgreSQL answered; they must not be made on a
/// SwiftNIO event loop thread (see `BlockingAsync`).
public final class PostgresSink: Sink {
    public let table: String
    public let keys: [String]
    public let writeMethod: PostgresWriteMethod
    private let connectionString: Result<PostgresConnectionString, SQLSinkError>
    private let bridge = BlockingAsync()
    private let state = Mutex(State())

    private struct State {
        var connection: PostgresConnection?
        var spec: SQLTableSpec?
        var queryId: String?
        var trace: PhaseTrace?
    }

    /// A sink writing `table` of the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`,
    /// optionally `?sslmode=require`; missing parts come from `PGHOST`, `PGUSER`, ...). A bad
    /// string is reported when the query starts.
    public init(url: String, table: String, keys: [String] = [], writeMethod: PostgresWriteMethod = .copy) {
        self.table = table
        self.keys = keys
        self.writeMethod = writeMethod
        do { connectionString = .success(try PostgresConnectionString.parse(url)) } catch let e as SQLSinkError {
            connectionString = .failure(e)
        } catch {
            connectionString = .failure(.invalidURL("\(error)"))
        }
    }

    deinit {
        // postgres-nio wants a connection closed before it goes. Wait for that where waiting is
        // allowed; on an event loop thread (not expected: the sink's own work holds no reference
        // to it) only start the close.
        if let c = state.withLock({ $0.connection }), !c.isClosed {
            let closed: EventLoopFuture<Void> = c.close()
            if MultiThreadedEventLoopGroup.currentEventLoop == nil { try? closed.wait() }
        }
    }

    public var description: String {
        switch connectionString {
        case .success(let cs): return "PostgresSink[\(cs) table \(table)]"
        case .failure: return "PostgresSink[invalid connection string, table \(table)]"
        }
    }

    public func open(_ context: SinkContext) throws {
        let spec = try SQLTableSpec(dialect: .postgres, table: table, keys: keys, schema: context.schema, mode: context.outputMode)
        try state.withLock { s in
            try withRetryOnLostConnection(&s) { db in
                try bridge.run(connectionClosed: db.connection.closeFuture) { try await PostgresTableSetup.prepare(db, spec) }
            }
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
            let trace = s.trace
            try withRetryOnLostConnection(&s) { db in
                let writer = PostgresBatchWriter(db: db, spec: spec, queryId: queryId, method: writeMethod, trace: trace)
                _ = try bridge.run(connectionClosed: db.connection.closeFuture) { try await writer.apply(batchId: batchId, batch: batch) }
            }
        }
    }

    /// Runs `body` on the connection; if the connection broke, once more on a new one.
    ///
    /// Running a batch again is safe: if the first attempt's commit reached the server before
    /// the connection broke, the progress row makes the second a no-op. After any failure the
    /// connection is dropped, so the next call starts on a fresh one.
    private func withRetryOnLostConnection(_ s: inout State, _ body: (PostgresStatements) throws -> Void) throws {
        for attempt in 1...2 {
            do {
                try body(PostgresStatements(connection: try connection(&s)))
                return
            } catch let error as SQLSinkError {
                dropConnection(&s)
                guard case .connectionLost = error, attempt == 1 else { throw error }
            } catch {
                dropConnection(&s)
                throw error
            }
        }
    }

    private func dropConnection(_ s: inout State) {
        guard let c = s.connection else { return }
        s.connection = nil
        let closed: EventLoopFuture<Void> = c.close()
        try? closed.wait()
    }

    /// The last batch of this query the table holds, for the engine's start-up cross-check
    /// with the checkpoint (`Sink.lastAppliedBatch`).
    public func lastAppliedBatch() throws -> AppliedBatches {
        guard let queryId = state.withLock({ $0.queryId }) else { return .unknown }
        return try lastAppliedBatchId(queryId: queryId).map { .through($0) } ?? .none
    }

    /// The last batch id of query `queryId` this sink's table holds, or nil if it holds none:
    /// what a restarting query compares with its checkpoint.
    public func lastAppliedBatchId(queryId: String) throws -> Int64? {
        let table = self.table
        return try state.withLock { s in
            var applied: Int64?
            try withRetryOnLostConnection(&s) { db in
                applied = try bridge.run(connectionClosed: db.connection.closeFuture) {
                    try await PostgresTableSetup.lastAppliedBatchId(db, queryId: queryId, table: table)
                }
            }
            return applied
        }
    }

    /// The open connection, or a new one if there is none or the last one was closed (a server
    /// restart between batches costs the next batch a reconnect, not the query).
    private func connection(_ s: inout State) throws -> PostgresConnection {
        if let c = s.connection, !c.isClosed { return c }
        let cs = try connectionString.get()
        let loop = PostgresEventLoop.group.next()
        let c = try bridge.run { try await PostgresConnector.connect(cs, on: loop) }
        s.connection = c
        return c
    }
}
