import Columnar
import Sinks

/// What a SQL sink writes, checked once when the query opens it: the table, its columns (the
/// query's output schema), the output mode and, for update mode, the key columns.
public struct SQLTableSpec: Sendable {
    public let dialect: SQLDialect
    public let table: String
    public let schema: Schema
    public let mode: OutputMode
    /// Columns identifying a row in update mode, in the order given.
    public let keys: [String]

    /// Checks names and keys. Update mode needs keys (the upsert's conflict target); in append
    /// and complete mode keys are not used.
    public init(dialect: SQLDialect, table: String, keys: [String], schema: Schema, mode: OutputMode) throws {
        try SQLIdentifier.validate(table, dialect: dialect)
        for f in schema.fields { try SQLIdentifier.validate(f.name, dialect: dialect) }
        if schema.fields.isEmpty { throw SQLSinkError.invalidConfiguration("the query writes no columns") }
        for k in keys where schema.index(of: k) == nil {
            throw SQLSinkError.invalidConfiguration(
                "key column '\(k)' is not an output column of the query (columns: \(schema.names.joined(separator: ", ")))")
        }
        if Set(keys).count != keys.count { throw SQLSinkError.invalidConfiguration("key columns repeat: \(keys)") }
        if mode == .update && keys.isEmpty {
            throw SQLSinkError.invalidConfiguration(
                "update mode upserts rows by key: give the key columns (keys: [...]) of table '\(table)'")
        }
        self.dialect = dialect
        self.table = table
        self.schema = schema
        self.mode = mode
        self.keys = keys
    }

    /// Whether the table gets a primary key on `keys` when the sink creates it.
    public var createsPrimaryKey: Bool { mode == .update }

    public var quotedTable: String { "\"\(table)\"" }
    public var quotedColumns: [String] { schema.names.map { "\"\($0)\"" } }
    public var columnList: String { quotedColumns.joined(separator: ", ") }

    /// `CREATE TABLE IF NOT EXISTS` with the dialect's types; key columns are the primary key in
    /// update mode (so the upsert has its conflict target) and then `NOT NULL`.
    public var createTableSQL: String {
        var parts = schema.fields.map { f -> String in
            let notNull = !f.nullable || (createsPrimaryKey && keys.contains(f.name))
            return "\"\(f.name)\" \(dialect.columnType(f.type))" + (notNull ? " NOT NULL" : "")
        }
        if createsPrimaryKey {
            parts.append("PRIMARY KEY (" + keys.map { "\"\($0)\"" }.joined(separator: ", ") + ")")
        }
        return "CREATE TABLE IF NOT EXISTS \(quotedTable) (" + parts.joined(separator: ", ") + ")"
    }

    /// `INSERT INTO table (columns) <rows> ON CONFLICT (keys) DO UPDATE SET c = excluded.c, ...`
    /// (or `DO NOTHING` when every column is a key). `rows` is a `VALUES` list or a `SELECT`.
    public func upsertSQL(rows: String) -> String {
        let keyList = keys.map { "\"\($0)\"" }.joined(separator: ", ")
        let others = schema.names.filter { !keys.contains($0) }
        let action = others.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET " + others.map { "\"\($0)\" = excluded.\"\($0)\"" }.joined(separator: ", ")
        return "INSERT INTO \(quotedTable) (\(columnList)) \(rows) ON CONFLICT (\(keyList)) \(action)"
    }

    /// Positions of the key columns in the schema.
    public var keyIndices: [Int] { keys.map { schema.index(of: $0)! } }
}
