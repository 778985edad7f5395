/// Why a SQL sink refused a query or failed a batch.
public enum SQLSinkError: Error, CustomStringConvertible, Equatable {
    /// The sink's settings are wrong (table or column name, keys, output mode).
    case invalidConfiguration(String)
    /// The connection string could not be understood.
    case invalidURL(String)
    /// The existing table does not have the columns the query writes.
    case schemaMismatch(table: String, problems: [String])
    /// The database refused a statement; `step` says what the sink was doing.
    case database(step: String, message: String)
    /// The connection broke (network, server restart, backend terminated) during `step`.
    case connectionLost(step: String, message: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let m): return "SQL sink: \(m)"
        case .invalidURL(let m): return "SQL sink connection string: \(m)"
        case .schemaMismatch(let table, let problems):
            return "table '\(table)' does not match the query's output: " + problems.joined(separator: "; ")
                + ". Alter or drop the table, or write to another table."
        case .database(let step, let message): return "SQL sink, \(step): \(message)"
        case .connectionLost(let step, let message): return "SQL sink, \(step): connection lost: \(message)"
        }
    }
}
