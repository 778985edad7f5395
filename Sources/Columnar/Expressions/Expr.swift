/// Binary operators of the expression language.
public enum BinaryOperator: String, Sendable, Hashable, Codable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case and = "AND"
    case or = "OR"

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        default: return false
        }
    }
}

/// Scalar functions evaluated column-at-a-time.
public enum ScalarFunction: Sendable, Hashable {
    case lower, upper, length, trim
    case contains, startsWith, endsWith
    case concat
    case coalesce
    /// Date of a timestamp: in UTC with one argument, in the zone named by a second (string
    /// literal) argument. A session rewrites the one-argument form to its time zone.
    case toDate
    /// `CASE WHEN c1 THEN v1 [WHEN c2 THEN v2 ...] [ELSE e] END`: arguments `c1, v1, c2, v2, ...`,
    /// plus the ELSE value last when their number is odd.
    case caseWhen
    /// The first argument `IN` the others (SQL three-valued result).
    case isin
    /// `substring(str, pos, len)`, 1-based, in characters.
    case substring
    /// Item `index` (0-based) of `split(str, regex, limit)`; null when out of range.
    case splitItem(Int)
    /// Number of items of `split(str, regex, limit)`.
    case splitSize
    /// `regexp_extract(str, regex, group)`.
    case regexpExtract
    /// `str RLIKE regex`: true when the regex matches anywhere in the string.
    case rlike
    /// `from_utc_timestamp(ts, zone)`: the UTC instant shifted to read as wall time in `zone`.
    case fromUTCTimestamp
    /// `to_utc_timestamp(ts, zone)`: wall time in `zone` shifted to the UTC instant.
    case toUTCTimestamp
    /// `date_format(ts, pattern[, zone])`; without a zone, UTC (a session adds its own).
    case dateFormat
    /// A user-defined function, evaluated a column at a time.
    case udf(UserDefinedFunction)
    /// Truncates a timestamp to the start of its unit.
    case dateTrunc(TimeUnit)
    case year, month, dayOfMonth, hour, minute, second
    /// Spark's `window_time`: the event time of a window's row, its end minus 1 µs (the
    /// argument is the window's end column).
    case windowTime
    /// A timestamp moved by a fixed number of µs (Spark's `ts + INTERVAL ...` with a day-time interval).
    case timestampAdd(Int64)
    /// The start of the tumbling window of this many µs (from 1970) a timestamp falls in.
    case windowStart(Int64)
}

/// Units for `dateTrunc`.
public enum TimeUnit: String, Sendable, Hashable, Codable {
    case second, minute, hour, day, month, year
}

/// An expression tree over the columns of a batch. Build it with `col`, `lit` and the operators;
/// the planner can inspect it (referenced columns, filters on partition columns).
public indirect enum Expr: Sendable, CustomStringConvertible {
    case column(String)
    case literal(Value)
    case binary(BinaryOperator, Expr, Expr)
    case not(Expr)
    case isNull(Expr)
    case isNotNull(Expr)
    case cast(Expr, DataType)
    case call(ScalarFunction, [Expr])
    case alias(Expr, String)

    /// The column name this expression produces when selected.
    public var outputName: String {
        switch self {
        case .column(let n): return n
        case .alias(_, let n): return n
        default: return description
        }
    }

    /// Names of every column the expression reads.
    public var referencedColumns: Set<String> {
        switch self {
        case .column(let n): return [n]
        case .literal: return []
        case .binary(_, let l, let r): return l.referencedColumns.union(r.referencedColumns)
        case .not(let e), .isNull(let e), .isNotNull(let e), .cast(let e, _), .alias(let e, _): return e.referencedColumns
        case .call(_, let args): return args.reduce(into: []) { $0.formUnion($1.referencedColumns) }
        }
    }

    /// Gives the expression an output name.
    public func `as`(_ name: String) -> Expr { .alias(unaliased, name) }

    /// The expression without a top-level alias.
    public var unaliased: Expr {
        if case .alias(let e, _) = self { return e.unaliased }
        return self
    }

    public func cast(_ type: DataType) -> Expr { .cast(self, type) }
    public func isNull() -> Expr { .isNull(self) }
    public func isNotNull() -> Expr { .isNotNull(self) }

    public var description: String {
        switch self {
        case .column(let n): return n
        case .literal(let v):
            if case .string(let s) = v { return "'\(s)'" }
            return v.description
        case .binary(let op, let l, let r): return "(\(l) \(op.rawValue) \(r))"
        case .not(let e): return "(NOT \(e))"
        case .isNull(let e): return "(\(e) IS NULL)"
        case .isNotNull(let e): return "(\(e) IS NOT NULL)"
        case .cast(let e, let t): return "CAST(\(e) AS \(t))"
        case .call(.timestampAdd(let micros), let args) where args.count == 1:
            return micros < 0 ? "(\(args[0]) - INTERVAL \(-micros) MICROSECONDS)" : "(\(args[0]) + INTERVAL \(micros) MICROSECONDS)"
        case .call(let f, let args): return "\(f.name)(\(args.map(\.description).joined(separator: ", ")))"
        case .alias(let e, let n): return "\(e) AS \(n)"
        }
    }
}

extension ScalarFunction {
    var name: String {
        switch self {
        case .dateTrunc(let u): return "date_trunc_\(u.rawValue)"
        case .windowTime: return "window_time"
        case .udf(let f): return f.name
        case .splitItem(let i): return "split_item_\(i)"
        case .timestampAdd(let micros): return "timestamp_add_\(micros)us"
        case .windowStart(let micros): return "window_start_\(micros)us"
        default: return String(describing: self)
        }
    }
}

/// A reference to the column called `name`; a part in backquotes is taken literally
/// (`` col("`service.name`") `` is the column `service.name`, see `FieldPath`).
public func col(_ name: String) -> Expr { .column(FieldPath.columnName(name)) }

/// A literal value.
public func lit(_ value: Value) -> Expr { .literal(value) }

/// Values that can stand on one side of an operator without `lit(...)`.
public protocol ExprLiteral { var exprValue: Value { get } }
extension String: ExprLiteral { public var exprValue: Value { .string(self) } }
extension Int: ExprLiteral { public var exprValue: Value { .int64(Int64(self)) } }
extension Int64: ExprLiteral { public var exprValue: Value { .int64(self) } }
extension Double: ExprLiteral { public var exprValue: Value { .double(self) } }
extension Bool: ExprLiteral { public var exprValue: Value { .bool(self) } }
extension Value: ExprLiteral { public var exprValue: Value { self } }

extension Expr {
    public static func == (l: Expr, r: Expr) -> Expr { .binary(.equal, l, r) }
    public static func != (l: Expr, r: Expr) -> Expr { .binary(.notEqual, l, r) }
    public static func < (l: Expr, r: Expr) -> Expr { .binary(.less, l, r) }
    public static func <= (l: Expr, r: Expr) -> Expr { .binary(.lessOrEqual, l, r) }
    public static func > (l: Expr, r: Expr) -> Expr { .binary(.greater, l, r) }
    public static func >= (l: Expr, r: Expr) -> Expr { .binary(.greaterOrEqual, l, r) }
    public static func + (l: Expr, r: Expr) -> Expr { .binary(.add, l, r) }
    public static func - (l: Expr, r: Expr) -> Expr { .binary(.subtract, l, r) }
    public static func * (l: Expr, r: Expr) -> Expr { .binary(.multiply, l, r) }
    public static func / (l: Expr, r: Expr) -> Expr { .binary(.divide, l, r) }
    public static func % (l: Expr, r: Expr) -> Expr { .binary(.modulo, l, r) }
    public static func && (l: Expr, r: Expr) -> Expr { .binary(.and, l, r) }
    public static func || (l: Expr, r: Expr) -> Expr { .binary(.or, l, r) }
    public static prefix func ! (e: Expr) -> Expr { .not(e) }

    public static func == <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.equal, l, .literal(r.exprValue)) }
    public static func != <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.notEqual, l, .literal(r.exprValue)) }
    public static func < <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.less, l, .literal(r.exprValue)) }
    public static func <= <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.lessOrEqual, l, .literal(r.exprValue)) }
    public static func > <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.greater, l, .literal(r.exprValue)) }
    public static func >= <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.greaterOrEqual, l, .literal(r.exprValue)) }
    public static func + <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.add, l, .literal(r.exprValue)) }
    public static func - <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.subtract, l, .literal(r.exprValue)) }
    public static func * <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.multiply, l, .literal(r.exprValue)) }
    public static func / <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.divide, l, .literal(r.exprValue)) }
    public static func % <T: ExprLiteral>(l: Expr, r: T) -> Expr { .binary(.modulo, l, .literal(r.exprValue)) }
}

// Function helpers with Spark's names.
public func lower(_ e: Expr) -> Expr { .call(.lower, [e]) }
public func upper(_ e: Expr) -> Expr { .call(.upper, [e]) }
public func length(_ e: Expr) -> Expr { .call(.length, [e]) }
public func trim(_ e: Expr) -> Expr { .call(.trim, [e]) }
public func concat(_ es: Expr...) -> Expr { .call(.concat, es) }
public func coalesce(_ es: Expr...) -> Expr { .call(.coalesce, es) }
public func toDate(_ e: Expr) -> Expr { .call(.toDate, [e]) }
public func dateTrunc(_ unit: TimeUnit, _ e: Expr) -> Expr { .call(.dateTrunc(unit), [e]) }
public func year(_ e: Expr) -> Expr { .call(.year, [e]) }
public func month(_ e: Expr) -> Expr { .call(.month, [e]) }
public func dayOfMonth(_ e: Expr) -> Expr { .call(.dayOfMonth, [e]) }
public func hour(_ e: Expr) -> Expr { .call(.hour, [e]) }
public func minute(_ e: Expr) -> Expr { .call(.minute, [e]) }
public func second(_ e: Expr) -> Expr { .call(.second, [e]) }

extension Expr {
    public func contains(_ s: String) -> Expr { .call(.contains, [self, .literal(.string(s))]) }
    public func startsWith(_ s: String) -> Expr { .call(.startsWith, [self, .literal(.string(s))]) }
    public func endsWith(_ s: String) -> Expr { .call(.endsWith, [self, .literal(.string(s))]) }
}
