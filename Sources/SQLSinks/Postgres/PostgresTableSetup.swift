import PostgresNIO
import SQLSinkCore

/// Prepares the database when a query opens the sink: the progress table, and the sink's table
/// created or checked against the query's output.
///
/// Tables are looked up in `current_schema()`, the schema unqualified names are created in.
enum PostgresTableSetup {
    /// Key of the advisory lock that serialises setup: PostgreSQL's `CREATE TABLE IF NOT EXISTS`
    /// is not safe against itself (two sessions can both pass the check and one then fails on the
    /// catalog's unique index), and several queries commonly open sinks on one database at once.
    static let setupLockKey: Int64 = 0x736C_7569_6365_0001

    static func prepare(_ db: PostgresStatements, _ spec: SQLTableSpec) async throws {
        _ = try await db.column(
            "SELECT 1 FROM (SELECT pg_advisory_lock(\(setupLockKey))) AS locked",
            as: Int32.self, step: "waiting for the table-setup lock")
        do {
            try await prepareLocked(db, spec)
        } catch {
            _ = try? await db.column("SELECT pg_advisory_unlock(\(setupLockKey))", as: Bool.self, step: "releasing the table-setup lock")
            throw error
        }
        _ = try await db.column("SELECT pg_advisory_unlock(\(setupLockKey))", as: Bool.self, step: "releasing the table-setup lock")
    }

    private static func prepareLocked(_ db: PostgresStatements, _ spec: SQLTableSpec) async throws {
        try await db.execute(SQLProgressTable.createSQL(.postgres), step: "creating \(SQLProgressTable.name)")
        let columns = try await db.pairs(
            """
            SELECT column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
            """,
            PostgresStatements.binds(spec.table), step: "reading the columns of '\(spec.table)'")
        if columns.isEmpty {
            try await db.execute(spec.createTableSQL, step: "creating table '\(spec.table)'")
            return
        }
        try SQLSchemaCheck.check(spec, against: columns.map { SQLSchemaCheck.CatalogColumn(name: $0.0, type: $0.1) })
        if spec.mode == .update {
            let indexes = try await db.column(
                """
                SELECT array_agg(a.attname::text) FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass AND i.indisunique
                GROUP BY i.indexrelid
                """,
                PostgresStatements.binds(spec.table), as: [String].self, step: "reading the unique indexes of '\(spec.table)'")
            try SQLSchemaCheck.checkUniqueKeys(spec, uniqueIndexes: indexes)
        }
    }

    /// The last batch id recorded for (query, table), or nil if none (or no progress table yet).
    static func lastAppliedBatchId(_ db: PostgresStatements, queryId: String, table: String) async throws -> Int64? {
        let exists = try await db.column(
            "SELECT to_regclass('\(SQLProgressTable.name)') IS NOT NULL", as: Bool.self, step: "looking for \(SQLProgressTable.name)")
        guard exists.first == true else { return nil }
        return try await db.column(
            "SELECT batch_id FROM \(SQLProgressTable.name) WHERE query_id = $1 AND table_name = $2",
            PostgresStatements.binds(queryId, table), as: Int64.self, step: "reading \(SQLProgressTable.name)"
        ).first
    }
}
