import Columnar

/// What a query computes, as the user described it; the planner turns it into operators.
indirect enum LogicalPlan: Sendable {
    case source(FileSourceSpec)
    case filter(Expr, LogicalPlan)
    case project([Expr], LogicalPlan)
    case withColumn(String, Expr, LogicalPlan)
    case drop([String], LogicalPlan)

    /// The leaf sources, left to right.
    var sources: [FileSourceSpec] {
        switch self {
        case .source(let s): return [s]
        case .filter(_, let c), .project(_, let c), .withColumn(_, _, let c), .drop(_, let c): return c.sources
        }
    }
}
