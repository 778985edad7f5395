import Columnar
import PostgresNIO
import SQLSinkCore
import Streaming
import Synchronization

/// A lookup join's live PostgreSQL table: each call is one `SELECT ... WHERE key = ANY($1)` for
/// a batch of keys, on a connection of its own that is opened on the first call and reopened
/// when it was lost.
///
/// Calls block their thread until the server answered (see `BlockingAsync`); the engine makes
/// them from the query's thread, one at a time.
final class PostgresLookupSource: LookupSource {
    let description: String
    private let connectionString: PostgresConnectionString
    private let schema: Schema
    private let keyType: DataType
    private let sql: String
    /// One executor thread for every lookup source of the process, never shut down (connections
    /// run on `PostgresEventLoop`).
    static let bridge = BlockingAsync()
    private var bridge: BlockingAsync { Self.bridge }
    private let connection = Mutex<(PostgresConnection, ConnectionWatch)?>(nil)

    /// - Parameters:
    ///   - schema: the columns to return, in order (`key` among them), with their Sluice types.
    init(connectionString: PostgresConnectionString, table: String, schema: Schema, key: String, description: String) throws {
        self.connectionString = connectionString
        self.schema = schema
        self.description = description
        keyType = schema.fields[try schema.require(key)].type
        let select = try schema.fields.map { try PostgresLookupColumns.selectExpression($0.name, $0.type) }.joined(separator: ", ")
        let from = try SQLIdentifier.quoted(table, dialect: .postgres)
        sql = "SELECT \(select) FROM \(from) WHERE \(try PostgresLookupColumns.keyCondition(key, keyType))"
    }

    deinit {
        if let (c, _) = connection.withLock({ $0 }), !c.isClosed {
            let closed: EventLoopFuture<Void> = c.close()
            if MultiThreadedEventLoopGroup.currentEventLoop == nil { try? closed.wait() }
        }
    }

    func lookup(keys: Column) throws -> RecordBatch {
        let binds = try Self.bind(keys, keyType)
        let rows = try withRetryOnLostConnection { c, watch in
            try bridge.run(watch: watch) { [sql, schema, description] in
                try await Self.select(c, sql: sql, binds: binds, schema: schema, step: "looking up keys in \(description)")
            }
        }
        return try RecordBatch.fromRows(rows, schema: schema)
    }

    /// The keys as one array parameter: ints, strings and booleans as themselves, dates and
    /// timestamps as ISO text (cast on the server, see `PostgresLookupColumns.keyCondition`).
    private static func bind(_ keys: Column, _ type: DataType) throws -> PostgresBindings {
        var b = PostgresBindings()
        let values = (0..<keys.count).map { keys[$0] }
        switch type {
        case .int64: b.append(values.compactMap { if case .int64(let v) = $0 { v } else { nil } })
        case .bool: b.append(values.compactMap { if case .bool(let v) = $0 { v } else { nil } })
        case .string: b.append(values.compactMap { if case .string(let v) = $0 { v } else { nil } })
        case .date: b.append(values.compactMap { if case .date(let d) = $0 { Dates.format(d) } else { nil } })
        case .timestamp: b.append(values.compactMap { if case .timestamp(let t) = $0 { Timestamps.format(t) } else { nil } })
        case .double: throw SQLSinkError.invalidConfiguration("a lookup key cannot be a double")
        }
        return b
    }

    /// Every row of the query, each cell decoded by its column's type.
    private static func select(
        _ c: PostgresConnection, sql: String, binds: PostgresBindings, schema: Schema, step: String
    ) async throws -> [[Value]] {
        let types = schema.fields.map(\.type)
        do {
            var out: [[Value]] = []
            for try await row in try await c.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: PostgresConnector.logger) {
                var values: [Value] = []
                values.reserveCapacity(types.count)
                for (cell, type) in zip(row, types) { values.append(try decode(cell, type)) }
                out.append(values)
            }
            return out
        } catch {
            throw PostgresErrorText.sinkError(error, step: step)
        }
    }

    private static func decode(_ cell: PostgresCell, _ type: DataType) throws -> Value {
        switch type {
        case .int64: return try cell.decode(Int64?.self).map(Value.int64) ?? .null
        case .string: return try cell.decode(String?.self).map(Value.string) ?? .null
        case .double: return try cell.decode(Double?.self).map(Value.double) ?? .null
        case .bool: return try cell.decode(Bool?.self).map(Value.bool) ?? .null
        case .timestamp: return try cell.decode(Int64?.self).map(Value.timestamp) ?? .null
        case .date: return try cell.decode(Int64?.self).map { .date(Int32(clamping: $0)) } ?? .null
        }
    }

    /// Runs `body` on the connection; if the connection broke, once more on a new one (a
    /// lookup only reads, so asking again is safe).
    private func withRetryOnLostConnection<T>(_ body: (PostgresConnection, ConnectionWatch) throws -> T) throws -> T {
        let (c, watch) = try open()
        do {
            return try body(c, watch)
        } catch SQLSinkError.connectionLost {
            drop(c)
        }
        let (fresh, freshWatch) = try open()
        do {
            return try body(fresh, freshWatch)
        } catch let error as SQLSinkError {
            if case .connectionLost = error { drop(fresh) }
            throw error
        }
    }

    private func open() throws -> (PostgresConnection, ConnectionWatch) {
        if let open = connection.withLock({ $0 }), !open.0.isClosed { return open }
        let loop = PostgresEventLoop.group.next()
        let cs = connectionString
        let c = try bridge.run {
            let c = try await PostgresConnector.connect(cs, on: loop)
            // Timestamps without time zone are read and compared as UTC.
            try await PostgresStatements(connection: c).execute("SET TIME ZONE 'UTC'", step: "setting the session's time zone")
            return c
        }
        let opened = (c, ConnectionWatch(c.closeFuture))
        connection.withLock { $0 = opened }
        return opened
    }

    private func drop(_ c: PostgresConnection) {
        connection.withLock { if $0?.0 === c { $0 = nil } }
        let closed: EventLoopFuture<Void> = c.close()
        try? closed.wait()
    }
}
