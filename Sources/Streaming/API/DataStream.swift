import Columnar

/// An unbounded table defined by a source and the transformations applied to it.
/// Transformations are checked when the query starts; `start()` reports any error with the
/// expression that caused it.
public struct DataStream: Sendable {
    let session: StreamingSession
    let plan: LogicalPlan
    /// A mistake found while building the stream, reported by `start()`.
    let error: String?

    init(session: StreamingSession, plan: LogicalPlan, error: String? = nil) {
        self.session = session
        self.plan = plan
        self.error = error
    }

    /// Computes the given expressions (each one output column).
    public func select(_ exprs: Expr...) -> DataStream { select(exprs) }
    public func select(_ exprs: [Expr]) -> DataStream { with(.project(exprs, plan)) }
    /// Keeps the named columns.
    public func select(_ names: String...) -> DataStream { select(names.map(col)) }

    /// Keeps the rows where `condition` is true.
    public func filter(_ condition: Expr) -> DataStream { with(.filter(condition, plan)) }
    /// Same as `filter`.
    public func `where`(_ condition: Expr) -> DataStream { filter(condition) }

    /// Adds a column, or replaces the column of the same name.
    public func withColumn(_ name: String, _ expr: Expr) -> DataStream { with(.withColumn(name, expr, plan)) }

    /// Removes columns (names that do not exist are ignored, as in Spark).
    public func drop(_ names: String...) -> DataStream { with(.drop(names.map(FieldPath.columnName), plan)) }

    /// The rows of this stream and of `other` (Spark's `union`): columns are matched by
    /// position and named as this stream's; types must be equal. Each input keeps its own
    /// source offsets and its own `withWatermark`; the query's watermark is the minimum over
    /// the inputs' (`watermarkPolicy`). Event-time marking carries over from this stream.
    public func union(_ other: DataStream) -> DataStream {
        DataStream(session: session, plan: .union(plan, other.plan), error: error ?? other.error)
    }

    /// A builder for the query's sink and settings.
    public var writeStream: DataStreamWriter { DataStreamWriter(stream: self) }

    /// The stream's columns, or an error if a transformation does not type-check.
    public func schema() throws -> Schema {
        if let error { throw QueryError.invalidQuery(error) }
        return try QueryPlanner.outputSchema(plan)
    }

    func with(_ p: LogicalPlan) -> DataStream { DataStream(session: session, plan: p, error: error) }
}
