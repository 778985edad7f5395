/// The table where a SQL sink records, in the same transaction as each batch's rows, the last
/// batch id of each (query, table) it applied: the SQL counterpart of Delta's `txn` action.
///
/// A batch whose id is at or below the stored one was already applied and is skipped. The
/// table name is part of the key so two sinks of one query (say results and late rows) keep
/// separate counts.
public enum SQLProgressTable {
    public static let name = "sluice_progress"

    public static func createSQL(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres:
            return """
                CREATE TABLE IF NOT EXISTS sluice_progress (query_id text NOT NULL, table_name text NOT NULL, \
                batch_id bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (query_id, table_name))
                """
        case .sqlite:
            return """
                CREATE TABLE IF NOT EXISTS sluice_progress (query_id TEXT NOT NULL, table_name TEXT NOT NULL, \
                batch_id INTEGER NOT NULL, updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), \
                PRIMARY KEY (query_id, table_name))
                """
        }
    }
}
