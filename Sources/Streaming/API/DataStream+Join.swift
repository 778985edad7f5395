import Columnar
import Operators

extension DataStream {
    /// Joins this stream with another stream (Spark's stream-stream join), in append mode.
    ///
    /// `condition` must hold at least one equality between a column (or expression) of each
    /// side: those are the join keys. Other conjuncts may compare event times, e.g.
    /// `col("clickTime").between(col("impressionTime"), col("impressionTime") + .hours(1))`. Both
    /// sides are buffered in state; with watermarks on the inputs, a buffered row is dropped once
    /// the watermark guarantees no row of the other side can match it any more: when a join key
    /// is a side's event-time column, or when the condition bounds a side's event time by the
    /// other side's. Outer joins emit a preserved row with nulls at that moment, and only then;
    /// they (and left semi joins) are refused at start unless one of those holds, as in Spark.
    ///
    /// The two sides' column names must differ (rename with `select(col("a").as("b"))`).
    /// Output: the left columns, then the right ones (only the left ones for `.leftSemi`).
    public func join(_ other: DataStream, on condition: Expr, type: StreamJoinType = .inner) -> DataStream {
        DataStream(session: session, plan: .joinStream(plan, other.plan, condition: condition, type: type), error: error ?? other.error)
    }
}
