/// The logical types a column can hold.
///
/// Physical layout per type: `bool` as `[Bool]`, `int64` and `timestamp` as `[Int64]`
/// (timestamps are microseconds since the Unix epoch, UTC), `double` as `[Double]`,
/// `date` as `[Int32]` days since 1970-01-01, `string` as offsets plus UTF-8 bytes.
public enum DataType: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case bool
    case int64
    case double
    case string
    case timestamp
    case date

    public var description: String { rawValue }

    /// True for types that take part in arithmetic.
    public var isNumeric: Bool { self == .int64 || self == .double }
}
