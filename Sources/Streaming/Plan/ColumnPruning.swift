import Columnar
import Operators
import State

/// Reads only the columns a query uses: walks the plan from the sink down, collecting the
/// columns each node needs, and gives each source the set it must produce. Parsing fewer JSON
/// fields is most of what makes a narrow query over wide records fast.
enum ColumnPruning {
    /// The plan with every source narrowed to the columns above it need.
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        prune(plan, required: nil)
    }

    /// The inputs' column names and the positions a union must keep: those whose (first input's)
    /// name is required, and its event-time columns, whose watermark marking operators above use.
    /// nil when the inputs do not resolve (analysis reports that) or every position is needed.
    private static func unionPositions(_ a: LogicalPlan, _ b: LogicalPlan, required: Set<String>) -> ([String], [String], [Int])? {
        var analyzer = Analyzer()
        guard let x = try? analyzer.resolve(a), let y = try? analyzer.resolve(b), x.schema.count == y.schema.count else { return nil }
        let eventTime = x.derivedEventTime.union(x.eventTime.map { [$0] } ?? [])
        let positions = x.schema.names.indices.filter { required.contains(x.schema.names[$0]) || eventTime.contains(x.schema.names[$0]) }
        guard positions.count < x.schema.count else { return nil }
        return (x.schema.names, y.schema.names, positions)
    }

    /// - Parameter required: columns the parent reads from this node's output; nil means all.
    private static func prune(_ plan: LogicalPlan, required: Set<String>?) -> LogicalPlan {
        switch plan {
        case .source(let spec):
            guard let required else { return plan }
            return .source(spec.pruned(to: required))
        case .filter(let cond, let child):
            return .filter(cond, prune(child, required: required.map { $0.union(cond.referencedColumns) }))
        case .project(let exprs, let child):
            let needs = exprs.reduce(into: Set<String>()) { $0.formUnion($1.referencedColumns) }
            return .project(exprs, prune(child, required: needs))
        case .withColumn(let name, let expr, let child):
            let needs = required.map { $0.subtracting([name]).union(expr.referencedColumns) }
            return .withColumn(name, expr, prune(child, required: needs))
        case .drop(let names, let child):
            return .drop(names, prune(child, required: required))
        case .watermark(let column, let delay, let ahead, let child):
            return .watermark(column: column, delayMs: delay, maxAhead: ahead, prune(child, required: required.map { $0.union([column]) }))
        case .aggregate(let keys, let window, let aggregates, let child):
            var needs = keys.reduce(into: Set<String>()) { $0.formUnion($1.referencedColumns) }
            for a in aggregates { if let e = a.input { needs.formUnion(e.referencedColumns) } }
            // A window over an earlier window reads that window's end (`WindowSpec.timeSource`).
            if let window { needs.formUnion([window.timeColumn, window.timeColumn + "_end"]) }
            return .aggregate(keys: keys, window: window, aggregates: aggregates, prune(child, required: needs))
        case .deduplicate(let columns, let within, let child):
            // Deduplication emits whole input rows, and with no columns given compares them all.
            return .deduplicate(columns: columns, withinWatermark: within, prune(child, required: columns.isEmpty ? nil : required.map { $0.union(columns) }))
        case .joinStatic(let table, let keys, let type, _, let child):
            let needs = required.map { $0.subtracting(table.schema.names).union(keys) }
            return .joinStatic(table, keys: keys, type: type, outputs: required, prune(child, required: needs))
        case .sort(let orders, let child):
            let needs = orders.reduce(into: Set<String>()) { $0.formUnion($1.expr.referencedColumns) }
            return .sort(orders, prune(child, required: required.map { $0.union(needs) }))
        case .limit(let n, let child):
            return .limit(n, prune(child, required: required))
        case .transformWithState(let spec, let child):
            // The processor is handed whole input rows.
            return .transformWithState(spec, prune(child, required: nil))
        case .lookupJoin(let table, let key, let type, _, let child):
            let needs = required.map { $0.subtracting(table.schema.names).union([key]) }
            return .lookupJoin(table, key: key, type: type, outputs: required, prune(child, required: needs))
        case .union(let a, let b):
            // Columns are matched by position, and a source may keep more columns than asked
            // (whole-record judgement): each input is pruned, then projected to exactly the
            // positions used, the same on both sides.
            guard let required, let (x, y, positions) = unionPositions(a, b, required: required) else {
                return .union(prune(a, required: nil), prune(b, required: nil))
            }
            func side(_ child: LogicalPlan, _ names: [String]) -> LogicalPlan {
                let kept = positions.map { names[$0] }
                return .project(kept.map(col), prune(child, required: Set(kept)))
            }
            return .union(side(a, x), side(b, y))
        case .joinStream(let a, let b, let condition, let type):
            // Each side keeps what is read above the join and what the condition reads (the
            // watermark below keeps its own column); the state stores exactly those columns.
            var analyzer = Analyzer()
            guard let required, let x = try? analyzer.resolve(a), let y = try? analyzer.resolve(b) else {
                return .joinStream(prune(a, required: nil), prune(b, required: nil), condition: condition, type: type)
            }
            let needs = required.union(condition.referencedColumns)
            func side(_ child: LogicalPlan, _ names: [String]) -> LogicalPlan {
                prune(child, required: needs.intersection(names))
            }
            return .joinStream(side(a, x.schema.names), side(b, y.schema.names), condition: condition, type: type)
        }
    }
}
