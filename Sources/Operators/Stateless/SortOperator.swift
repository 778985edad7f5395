import Columnar

/// One sort key of `orderBy`: an expression and its direction. Ascending puts nulls first and
/// descending puts them last, Spark's defaults for `asc` and `desc`.
public struct SortOrder: Sendable, CustomStringConvertible {
    public let expr: Expr
    public let ascending: Bool

    public init(_ expr: Expr, ascending: Bool = true) {
        self.expr = expr
        self.ascending = ascending
    }

    public var description: String { "\(expr) \(ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST")" }
}

extension Expr {
    /// This expression as an ascending sort key (`orderBy(col("n").asc)`).
    public var asc: SortOrder { SortOrder(self, ascending: true) }
    /// This expression as a descending sort key (`orderBy(col("n").desc)`).
    public var desc: SortOrder { SortOrder(self, ascending: false) }
}

/// Sorts a whole batch by its sort keys (`orderBy`). Streams allow it only on an aggregation's
/// complete result (`StreamingRules`), so the batch is the whole result table.
public struct SortOperator: BatchOperator {
    public let orders: [SortOrder]
    public let outputSchema: Schema

    public init(orders: [SortOrder], input: Schema) throws {
        guard !orders.isEmpty else { throw ColumnarError.invalidArgument("orderBy needs at least one column") }
        for o in orders { _ = try o.expr.resultType(in: input) }
        self.orders = orders
        self.outputSchema = input
    }

    public func process(_ batch: RecordBatch) throws -> RecordBatch {
        guard batch.rowCount > 1 else { return batch }
        let keys = try orders.map { try $0.expr.evaluate(batch) }
        let order = SortPermutation.ordered(keys, descending: orders.map { !$0.ascending }, rowCount: batch.rowCount)
        return order.indices.elementsEqual(order) ? batch : batch.take(order)
    }
}

/// The first `count` rows of each batch: `limit` over a complete-mode result, which is the
/// whole result table every batch (Spark plans a plain limit there, not a stateful one).
public struct LimitOperator: BatchOperator {
    public let count: Int
    public let outputSchema: Schema

    public init(count: Int, input: Schema) throws {
        guard count >= 0 else { throw ColumnarError.invalidArgument("limit must not be negative, got \(count)") }
        self.count = count
        self.outputSchema = input
    }

    public func process(_ batch: RecordBatch) throws -> RecordBatch {
        batch.rowCount <= count ? batch : batch.slice(0..<count)
    }
}
