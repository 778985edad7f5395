import Columnar
import Operators
import State

/// What a query computes, as the user described it; the planner turns it into operators.
indirect enum LogicalPlan: Sendable {
    case source(any SourceSpec)
    case filter(Expr, LogicalPlan)
    case project([Expr], LogicalPlan)
    case withColumn(String, Expr, LogicalPlan)
    case drop([String], LogicalPlan)
    /// `withWatermark(column, delay)`: marks the event-time column and tracks its maximum.
    case watermark(column: String, delayMs: Int64, maxAhead: Int64?, LogicalPlan)
    case aggregate(keys: [Expr], window: WindowSpec?, aggregates: [AggregateExpr], LogicalPlan)
    case deduplicate(columns: [String], withinWatermark: Bool, LogicalPlan)
    /// A stream-static join: the table is indexed once. `outputs` (set by column pruning) limits
    /// the columns it materialises; nil for all.
    case joinStatic(StaticTable, keys: [String], type: JoinType, outputs: Set<String>?, LogicalPlan)

    var children: [LogicalPlan] {
        switch self {
        case .source: return []
        case .filter(_, let c), .project(_, let c), .withColumn(_, _, let c), .drop(_, let c),
            .watermark(_, _, _, let c), .aggregate(_, _, _, let c), .deduplicate(_, _, let c), .joinStatic(_, _, _, _, let c):
            return [c]
        }
    }

    /// The leaf sources, left to right.
    var sources: [any SourceSpec] {
        if case .source(let s) = self { return [s] }
        return children.flatMap(\.sources)
    }
}
