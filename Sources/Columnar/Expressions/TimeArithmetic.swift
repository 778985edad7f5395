/// Timestamps moved by fixed durations, and ranges: what a stream-stream join's event-time
/// condition is written with (`click.ts BETWEEN imp.ts AND imp.ts + INTERVAL 1 HOUR` in Spark).
extension Expr {
    /// The timestamp `l` plus `r` (whole microseconds), like Spark's `ts + INTERVAL ...`.
    public static func + (l: Expr, r: Duration) -> Expr { .call(.timestampAdd(r.wholeMicroseconds), [l]) }

    /// The timestamp `l` minus `r` (whole microseconds), like Spark's `ts - INTERVAL ...`.
    public static func - (l: Expr, r: Duration) -> Expr { .call(.timestampAdd(0 &- r.wholeMicroseconds), [l]) }

    /// `lower <= self AND self <= upper`, as Spark's `BETWEEN` expands.
    public func between(_ lower: Expr, _ upper: Expr) -> Expr { self >= lower && self <= upper }
}

extension Duration {
    /// Whole microseconds; sub-microsecond parts are dropped.
    var wholeMicroseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000
    }
}

/// The start of the tumbling window of `size` that the timestamp `e` falls in (windows start at
/// 1970-01-01, as Spark's `window(e, size)` without a start offset): what a stream-stream join
/// matches windows on, `windowStart(col("a"), .minutes(5)) == windowStart(col("b"), .minutes(5))`.
public func windowStart(_ e: Expr, _ size: Duration) -> Expr { .call(.windowStart(size.wholeMicroseconds), [e]) }
