/// Which rows of a query's result reach the sink each batch, as Spark defines the three modes.
/// Stateful operators emit by it and sinks apply by it: one type for both.
public enum OutputMode: String, Sendable, Codable, CustomStringConvertible {
    /// Only new rows; for aggregations, each window once, after the watermark passes its end.
    case append
    /// The rows of the result that changed in this batch.
    case update
    /// The whole result table, every batch.
    case complete

    public var description: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
