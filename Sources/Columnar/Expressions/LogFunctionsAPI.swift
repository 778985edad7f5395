// Builders with Spark's names for the conditional, string, regex and time-zone functions.

/// `CASE WHEN condition THEN value`; chain `.when(...)` and finish with `.otherwise(...)`
/// (rows matching no condition are null without it).
public func when(_ condition: Expr, _ value: Expr) -> Expr { .call(.caseWhen, [condition, value]) }
public func when<T: ExprLiteral>(_ condition: Expr, _ value: T) -> Expr { when(condition, .literal(value.exprValue)) }

extension Expr {
    /// Adds a branch to a `when(...)` expression.
    public func when(_ condition: Expr, _ value: Expr) -> Expr {
        guard case .call(.caseWhen, let args) = self, args.count % 2 == 0 else { return .call(.caseWhen, [self]) }
        return .call(.caseWhen, args + [condition, value])
    }
    public func when<T: ExprLiteral>(_ condition: Expr, _ value: T) -> Expr { when(condition, .literal(value.exprValue)) }

    /// The value of a `when(...)` expression for rows matching no condition.
    public func otherwise(_ value: Expr) -> Expr {
        guard case .call(.caseWhen, let args) = self, args.count % 2 == 0 else { return .call(.caseWhen, [self]) }
        return .call(.caseWhen, args + [value])
    }
    public func otherwise<T: ExprLiteral>(_ value: T) -> Expr { otherwise(.literal(value.exprValue)) }

    /// True when the value equals one of `values`; null when it is null, or when it matches
    /// none and a listed value is null (SQL `IN`).
    public func isin(_ values: Expr...) -> Expr { .call(.isin, [self] + values) }
    public func isin<T: ExprLiteral>(_ values: T...) -> Expr { isin(values) }
    public func isin<T: ExprLiteral>(_ values: [T]) -> Expr { .call(.isin, [self] + values.map { .literal($0.exprValue) }) }

    /// `self RLIKE pattern`.
    public func rlike(_ pattern: String) -> Expr { .call(.rlike, [self, .literal(.string(pattern))]) }

    /// Spark's `Column.substr(pos, len)`.
    public func substr(_ pos: Int, _ len: Int) -> Expr { substring(self, pos, len) }
}

/// Spark's `substring(str, pos, len)`: 1-based `pos` (negative counts from the end), `len` characters.
public func substring(_ e: Expr, _ pos: Int, _ len: Int) -> Expr {
    .call(.substring, [e, .literal(.int64(Int64(pos))), .literal(.int64(Int64(len)))])
}

/// Spark's `split(str, pattern, limit)`. Sluice has no array type yet, so the result is used
/// through `getItem(i)` (Spark's `split(...)[i]`) or `size` (Spark's `size(split(...))`).
public func split(_ e: Expr, _ pattern: String, limit: Int = -1) -> SplitExpr {
    SplitExpr(string: e, pattern: pattern, limit: limit)
}

/// The array `split` produces, read by item or by size.
public struct SplitExpr: Sendable {
    let string: Expr
    let pattern: String
    let limit: Int

    /// Item `index` (0-based), null when out of range.
    public func getItem(_ index: Int) -> Expr {
        .call(.splitItem(index), [string, .literal(.string(pattern)), .literal(.int64(Int64(limit)))])
    }

    /// Number of items.
    public var size: Expr { .call(.splitSize, [string, .literal(.string(pattern)), .literal(.int64(Int64(limit)))]) }
}

/// Spark's `regexp_extract(str, pattern, idx)`.
public func regexpExtract(_ e: Expr, _ pattern: String, _ index: Int) -> Expr {
    .call(.regexpExtract, [e, .literal(.string(pattern)), .literal(.int64(Int64(index)))])
}

/// Spark's `from_utc_timestamp(ts, tz)`: the instant `ts` as wall-clock time in `timeZone`.
public func fromUTCTimestamp(_ e: Expr, _ timeZone: String) -> Expr { .call(.fromUTCTimestamp, [e, .literal(.string(timeZone))]) }
/// Time zone given by a column.
public func fromUTCTimestamp(_ e: Expr, _ timeZone: Expr) -> Expr { .call(.fromUTCTimestamp, [e, timeZone]) }

/// Spark's `to_utc_timestamp(ts, tz)`: wall-clock time `ts` in `timeZone` as a UTC instant.
public func toUTCTimestamp(_ e: Expr, _ timeZone: String) -> Expr { .call(.toUTCTimestamp, [e, .literal(.string(timeZone))]) }
/// Time zone given by a column.
public func toUTCTimestamp(_ e: Expr, _ timeZone: Expr) -> Expr { .call(.toUTCTimestamp, [e, timeZone]) }

/// Spark's `date_format(ts, pattern)` in `timeZone` (see `DateTimePattern`); without one, the
/// session time zone inside a query (UTC elsewhere).
public func dateFormat(_ e: Expr, _ pattern: String, timeZone: String? = nil) -> Expr {
    .call(.dateFormat, [e, .literal(.string(pattern))] + (timeZone.map { [.literal(.string($0))] } ?? []))
}

/// The date of `e` in `timeZone` (a date partition in local days).
public func toDate(_ e: Expr, timeZone: String) -> Expr { .call(.toDate, [e, .literal(.string(timeZone))]) }
