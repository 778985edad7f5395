import Columnar
import Operators
import State

extension DataStream {
    /// Declares `column` (a timestamp) as the event time and tolerates data up to `delay` late.
    ///
    /// The watermark used by batch N is the largest event time seen up to batch N-1 minus
    /// `delay`, in whole milliseconds, never moving backwards (and 0 before any data). Stateful
    /// operators drop rows at or before the previous batch's watermark and finalise state at or
    /// before the current one.
    ///
    /// Event times more than `maxAheadOfProcessingTime` (default one day) ahead of the batch's
    /// processing time do not move the watermark (they are processed, and counted in progress as
    /// `eventTime["aheadOfProcessingTime"]`), so a single bad clock cannot make all later data late.
    /// Pass nil to let any event time move it, as Spark does.
    public func withWatermark(_ column: String, delay: Duration, maxAheadOfProcessingTime: Duration? = .days(1)) -> DataStream {
        with(.watermark(column: FieldPath.columnName(column), delayMs: delay.microseconds / 1000, maxAhead: maxAheadOfProcessingTime?.microseconds, plan))
    }

    /// Groups the stream by columns, expressions and at most one window.
    public func groupBy(_ keys: any GroupingColumn...) -> GroupedDataStream { groupBy(keys) }
    /// `groupBy` with the keys in an array.
    public func groupBy(_ keys: [any GroupingColumn]) -> GroupedDataStream {
        GroupedDataStream(stream: self, keys: keys.map(\.grouping))
    }

    /// Drops rows whose `columns` (all columns if none are given) were seen before. With a
    /// watermark on one of the columns, a key is forgotten once the watermark passes it.
    public func dropDuplicates(_ columns: String...) -> DataStream { dropDuplicates(columns) }
    /// `dropDuplicates` with the columns in an array.
    public func dropDuplicates(_ columns: [String]) -> DataStream {
        with(.deduplicate(columns: resolvingWindows(names: columns.map(FieldPath.columnName)), withinWatermark: false, plan))
    }

    /// Drops rows whose `columns` were seen within the watermark delay of their first occurrence;
    /// the columns need not include the event time. Requires `withWatermark`.
    public func dropDuplicatesWithinWatermark(_ columns: String...) -> DataStream { dropDuplicatesWithinWatermark(columns) }
    /// `dropDuplicatesWithinWatermark` with the columns in an array.
    public func dropDuplicatesWithinWatermark(_ columns: [String]) -> DataStream {
        with(.deduplicate(columns: resolvingWindows(names: columns.map(FieldPath.columnName)), withinWatermark: true, plan))
    }
}

/// A grouping key: a column name, an expression or a window.
public protocol GroupingColumn: Sendable {
    var grouping: Grouping { get }
}

/// What `groupBy` accepts, normalised.
public enum Grouping: Sendable {
    case expr(Expr)
    case window(WindowSpec)
}

extension Expr: GroupingColumn { public var grouping: Grouping { .expr(self) } }
extension WindowSpec: GroupingColumn { public var grouping: Grouping { .window(self) } }
extension String: GroupingColumn { public var grouping: Grouping { .expr(col(self)) } }

/// A stream grouped by keys, waiting for its aggregates.
public struct GroupedDataStream: Sendable {
    let stream: DataStream
    let keys: [Grouping]

    /// One output row per group (per window) with the keys and the aggregates.
    public func agg(_ aggregates: AggregateExpr...) -> DataStream { agg(aggregates) }
    /// `agg` with the aggregates in an array.
    public func agg(_ aggregates: [AggregateExpr]) -> DataStream {
        var exprs: [Expr] = []
        var windows: [WindowSpec] = []
        for k in keys {
            switch k {
            case .expr(let e): exprs.append(e)
            case .window(let w): windows.append(w)
            }
        }
        exprs = stream.resolvingWindows(exprs)
        let windowSpec: WindowSpec? = windows.first
        let plan = LogicalPlan.aggregate(keys: exprs, window: windowSpec, aggregates: aggregates, stream.plan)
        if windows.count > 1 { return DataStream(session: stream.session, plan: plan, error: "group by at most one window") }
        return DataStream(session: stream.session, plan: plan)
    }

    /// Rows per group, in a column named `count`.
    public func count() -> DataStream { agg(Operators.count().as("count")) }
}
