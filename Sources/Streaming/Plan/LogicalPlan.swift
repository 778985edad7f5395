import Columnar
import Operators
import State

/// What a query computes, as the user described it; the planner turns it into operators.
indirect enum LogicalPlan: Sendable {
    case source(any SourceProvider)
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
    /// The rows of both inputs (Spark's `union`: columns matched by position, named as the first's).
    case union(LogicalPlan, LogicalPlan)
    /// `orderBy`: the rows sorted (allowed on an aggregation's complete result only).
    case sort([SortOrder], LogicalPlan)
    /// `limit(n)`: at most n rows (per batch in complete mode, over the query's life in append mode).
    case limit(Int, LogicalPlan)
    /// `groupByKey(keys).transformWithState(processor, timeMode:)`.
    case transformWithState(TransformWithStateSpec, LogicalPlan)
    /// A stream-stream join (Spark's `StreamingSymmetricHashJoinExec`): both inputs are buffered
    /// in state until the watermark says they can no longer match.
    case joinStream(LogicalPlan, LogicalPlan, condition: Expr, type: StreamJoinType)
    /// A lookup join (`Lookup/LookupTable.swift`): each batch's keys are looked up in `table`.
    /// `outputs` as for `joinStatic`.
    case lookupJoin(LookupTable, key: String, type: JoinType, outputs: Set<String>?, LogicalPlan)

    var children: [LogicalPlan] {
        switch self {
        case .source: return []
        case .filter(_, let c), .project(_, let c), .withColumn(_, _, let c), .drop(_, let c),
            .watermark(_, _, _, let c), .aggregate(_, _, _, let c), .deduplicate(_, _, let c), .joinStatic(_, _, _, _, let c),
            .sort(_, let c), .limit(_, let c), .transformWithState(_, let c):
            return [c]
        case .lookupJoin(_, _, _, _, let c):
            return [c]
        case .union(let a, let b), .joinStream(let a, let b, _, _):
            return [a, b]
        }
    }

    /// The same node over other children (as many as it has).
    func withChildren(_ c: [LogicalPlan]) -> LogicalPlan {
        switch self {
        case .source: return self
        case .filter(let e, _): return .filter(e, c[0])
        case .project(let e, _): return .project(e, c[0])
        case .withColumn(let n, let e, _): return .withColumn(n, e, c[0])
        case .drop(let n, _): return .drop(n, c[0])
        case .watermark(let col, let d, let a, _): return .watermark(column: col, delayMs: d, maxAhead: a, c[0])
        case .aggregate(let k, let w, let a, _): return .aggregate(keys: k, window: w, aggregates: a, c[0])
        case .deduplicate(let cols, let w, _): return .deduplicate(columns: cols, withinWatermark: w, c[0])
        case .joinStatic(let t, let k, let ty, let o, _): return .joinStatic(t, keys: k, type: ty, outputs: o, c[0])
        case .union: return .union(c[0], c[1])
        case .sort(let o, _): return .sort(o, c[0])
        case .limit(let n, _): return .limit(n, c[0])
        case .transformWithState(let spec, _): return .transformWithState(spec, c[0])
        case .joinStream(_, _, let cond, let type): return .joinStream(c[0], c[1], condition: cond, type: type)
        case .lookupJoin(let t, let k, let ty, let o, _): return .lookupJoin(t, key: k, type: ty, outputs: o, c[0])
        }
    }

    /// The plan with `transform` applied to every child.
    func mapChildren(_ transform: (LogicalPlan) throws -> LogicalPlan) rethrows -> LogicalPlan {
        let c = children
        return c.isEmpty ? self : withChildren(try c.map(transform))
    }

    /// Whether an aggregation is in this plan (this node or below).
    var containsAggregation: Bool {
        if case .aggregate = self { return true }
        return children.contains(where: \.containsAggregation)
    }

    /// The leaf sources, left to right.
    var sources: [any SourceProvider] {
        if case .source(let s) = self { return [s] }
        return children.flatMap(\.sources)
    }
}

/// What `groupByKey(...).transformWithState(...)` was given.
struct TransformWithStateSpec: Sendable {
    var keys: [String]
    var processor: any StatefulProcessor
    var timeMode: TimeMode

    /// `groupByKey(service).transformWithState(SpikeAlert, eventTime)`, for messages.
    var description: String {
        "groupByKey(\(keys.joined(separator: ", "))).transformWithState(\(type(of: processor)), \(timeMode.rawValue))"
    }
}
