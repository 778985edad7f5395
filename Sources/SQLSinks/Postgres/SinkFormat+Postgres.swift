import Streaming

extension SinkFormat {
    /// A PostgreSQL table, written exactly once per batch (see `PostgresSink`): append mode
    /// copies rows in, update mode upserts on `keys`, complete mode replaces the rows.
    ///
    /// `url` is `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]`; parts left
    /// out come from libpq's variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, ...).
    public static func postgres(url: String, table: String, keys: [String] = []) -> SinkFormat {
        .custom(PostgresSink(url: url, table: table, keys: keys))
    }
}
