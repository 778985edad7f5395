import Columnar
import PostgresNIO
import SQLSinkCore
import Streaming

/// A PostgreSQL table as the table side of a lookup join: its columns read from the catalog
/// when it is made, its rows asked for a batch of keys at a time by each query that uses it.
public struct PostgresLookupProvider: LookupSourceProvider {
    public let table: String
    public let schema: Schema
    /// Columns of types a lookup join cannot read (json, uuid, arrays, ...), left out of `schema`.
    public let skippedColumns: [String]
    private let connectionString: PostgresConnectionString

    /// Reads the columns of `table` (in the connection's `current_schema()`) from the server.
    public init(url: String, table: String) throws {
        let cs = try PostgresConnectionString.parse(url)
        try SQLIdentifier.validate(table, dialect: .postgres)
        let columns = try Self.catalogColumns(cs, table: table)
        guard !columns.isEmpty else {
            throw SQLSinkError.invalidConfiguration(
                "lookup table '\(table)' not found in the current schema of \(cs) (or it has no columns this user may read)")
        }
        var fields: [Field] = []
        var skipped: [String] = []
        for (name, type) in columns {
            if let t = PostgresLookupColumns.type(ofCatalogType: type) { fields.append(Field(name, t)) } else { skipped.append("\(name) (\(type))") }
        }
        self.table = table
        self.connectionString = cs
        self.schema = Schema(fields)
        self.skippedColumns = skipped
    }

    public var description: String { "postgres \(connectionString) table \(table)" }

    public func open(columns: [String], key: String) throws -> any LookupSource {
        let fields = try columns.map { schema.fields[try schema.require($0)] }
        return try PostgresLookupSource(
            connectionString: connectionString, table: table, schema: Schema(fields), key: key, description: description)
    }

    private static func catalogColumns(_ cs: PostgresConnectionString, table: String) throws -> [(String, String)] {
        let loop = PostgresEventLoop.group.next()
        return try PostgresLookupSource.bridge.run {
            let c = try await PostgresConnector.connect(cs, on: loop)
            do {
                let columns = try await PostgresStatements(connection: c).pairs(
                    """
                    SELECT column_name::text, data_type::text FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
                    """,
                    PostgresStatements.binds(table), step: "reading the columns of lookup table '\(table)'")
                try await c.close()
                return columns
            } catch {
                try? await c.close()
                throw error
            }
        }
    }
}

extension LookupTable {
    /// The PostgreSQL table `table` at `url`, looked up by key for each micro-batch
    /// (`DataStream.lookupJoin`): `SELECT ... WHERE key = ANY($1)` for the batch's keys the
    /// cache does not hold.
    ///
    /// Its columns are read from the catalog now (the query's schema is known before it starts):
    /// `bigint`/`integer`/`smallint` → int64, `text`/`varchar`/`char` → string, `double
    /// precision`/`real`/`numeric` → double, `boolean` → bool, `timestamptz` and `timestamp`
    /// (taken as UTC) → timestamp, `date` → date; columns of other types are left out. `url` is
    /// as for the PostgreSQL sink (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`, `PG*` variables
    /// for the parts left out); the password is never shown. Index the key column: each lookup
    /// is one indexed `= ANY` scan.
    public static func postgres(url: String, table: String) throws -> LookupTable {
        LookupTable(try PostgresLookupProvider(url: url, table: table))
    }
}
