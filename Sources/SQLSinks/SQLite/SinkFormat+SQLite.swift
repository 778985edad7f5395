import Streaming

extension SinkFormat {
    /// A table in the SQLite database file at `path`, written exactly once per batch (see
    /// `SQLiteSink`): append mode inserts rows, update mode upserts on `keys`, complete mode
    /// replaces the rows.
    public static func sqlite(path: String, table: String, keys: [String] = []) -> SinkFormat {
        .custom(SQLiteSink(path: path, table: table, keys: keys))
    }
}
