import Columnar
import Operators

/// A sort key `orderBy` accepts: a column name, an expression (ascending) or a `SortOrder`
/// (`col("n").desc`).
public protocol SortColumn: Sendable {
    var sortOrder: SortOrder { get }
}

extension SortOrder: SortColumn { public var sortOrder: SortOrder { self } }
extension Expr: SortColumn { public var sortOrder: SortOrder { SortOrder(self) } }
extension String: SortColumn { public var sortOrder: SortOrder { SortOrder(col(self)) } }

extension DataStream {
    /// Sorts the rows by `columns` (Spark's `orderBy`). A stream allows it only on an
    /// aggregation's result in complete mode, where every batch is the whole result table;
    /// elsewhere `start()` refuses it with Spark's message, since sorting an unbounded stream
    /// would need all of it.
    public func orderBy(_ columns: any SortColumn...) -> DataStream { orderBy(columns) }
    /// `orderBy` with the sort keys in an array.
    public func orderBy(_ columns: [any SortColumn]) -> DataStream {
        with(.sort(columns.map { o in SortOrder(resolvingWindows(in: o.sortOrder.expr), ascending: o.sortOrder.ascending) }, plan))
    }
    /// Same as `orderBy`.
    public func sort(_ columns: any SortColumn...) -> DataStream { orderBy(columns) }

    /// At most `n` rows (Spark's `limit`). In append mode, `n` rows over the query's whole life
    /// (the number let through is kept in state, as Spark's `StreamingGlobalLimitExec` does);
    /// in complete mode, the first `n` rows of each batch's result table (after `orderBy`, its
    /// top `n`). Update mode refuses it, as Spark does.
    public func limit(_ n: Int) -> DataStream { with(.limit(n, plan)) }
}
