/// A single value, used at the edges (literals, tests, console rows, user closures),
/// never on the per-row hot path.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int64(Int64)
    case double(Double)
    case string(String)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)
    /// Days since 1970-01-01.
    case date(Int32)

    /// The natural type of this value, nil for null.
    public var type: DataType? {
        switch self {
        case .null: return nil
        case .bool: return .bool
        case .int64: return .int64
        case .double: return .double
        case .string: return .string
        case .timestamp: return .timestamp
        case .date: return .date
        }
    }

    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int64(let x): return String(x)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .timestamp(let t): return Timestamps.format(t)
        case .date(let d): return Dates.format(d)
        }
    }

    /// Converts the value to `type` following the engine's cast rules; nil if the
    /// conversion is not defined, `.null` if the value cannot be represented.
    public func cast(to target: DataType) -> Value? {
        if self == .null { return .null }
        if self.type == target { return self }
        switch (self, target) {
        case (_, .string): return .string(description)
        case (.int64(let x), .double): return .double(Double(x))
        case (.double(let d), .int64): return d.isFinite && abs(d) < 9.2e18 ? .int64(Int64(d)) : .null
        case (.bool(let b), .int64): return .int64(b ? 1 : 0)
        case (.int64(let x), .bool): return .bool(x != 0)
        case (.int64(let s), .timestamp): return .timestamp(s.multipliedReportingOverflow(by: 1_000_000).overflow ? 0 : s * 1_000_000)
        case (.timestamp(let t), .int64): return .int64(Timestamps.floorDiv(t, 1_000_000))
        case (.timestamp(let t), .date): return .date(Int32(Timestamps.floorDiv(t, Timestamps.microsPerDay)))
        case (.date(let d), .timestamp): return .timestamp(Int64(d) * Timestamps.microsPerDay)
        case (.string(let s), _):
            var s = s
            return s.withUTF8 { Self.parse($0, as: target) } ?? .null
        default: return nil
        }
    }

    /// Parses UTF-8 text as a value of `type`; nil if it is not valid text for that type.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>, as type: DataType) -> Value? {
        switch type {
        case .string: return .string(String(decoding: text, as: UTF8.self))
        case .int64: return NumberParser.int64(text).map { .int64($0) }
        case .double: return NumberParser.double(text).map { .double($0) }
        case .bool:
            let s = String(decoding: text, as: UTF8.self).lowercased()
            if s == "true" { return .bool(true) }
            if s == "false" { return .bool(false) }
            return nil
        case .timestamp: return Timestamps.parseISO8601(text).map { .timestamp($0) }
        case .date: return Dates.parse(text).map { .date($0) }
        }
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}
