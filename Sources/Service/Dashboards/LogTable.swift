import Streaming

/// A Delta table the log-dump page and `GET /api/logs` may read, declared next to the query
/// that writes it. HTTP callers name it (`table=logs`), never a path, so the server reads only
/// what the app declared.
public struct LogTable: Sendable {
    /// The name the page and the API use.
    public let name: String
    /// The table's directory.
    public let path: String
    /// The columns the form's "customer" and "service" fields filter on (equality).
    public let customerColumn: String
    public let serviceColumn: String
    /// The time column; nil: the table's only timestamp column.
    public let timeColumn: String?

    public init(name: String, path: String, customerColumn: String = "customer", serviceColumn: String = "service", timeColumn: String? = nil) {
        self.name = name
        self.path = path
        self.customerColumn = customerColumn
        self.serviceColumn = serviceColumn
        self.timeColumn = timeColumn
    }
}
