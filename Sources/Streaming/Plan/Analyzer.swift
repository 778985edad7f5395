import Columnar
import Operators

/// What analysis knows about the output of a logical node.
struct Resolved: Sendable {
    var schema: Schema
    /// The watermarked event-time column, while it is still in the output.
    var eventTime: String?
    var delayMs: Int64?
    /// Columns a stateful operator derived from the watermarked column (a window's bounds, a
    /// grouping key that is the event time): Spark keeps the watermark on them, which decides
    /// how it classifies a stateful operator that follows (`StreamingRules`).
    var derivedEventTime: Set<String> = []

    /// Every column that carries the watermark: the event-time column and those derived from it.
    var eventTimeColumns: Set<String> { derivedEventTime.union(eventTime.map { [$0] } ?? []) }
}

/// Resolves a logical plan bottom up: every node derives its schema from its children's, and
/// sources declare theirs (`SourceProvider.schema`). Nothing is read, listed or built: no
/// source is opened, no state store, no hash index. Errors are the ones the operators would
/// raise, worded as Spark words them (`AnalysisError`) where Spark has a name for them.
struct Analyzer {
    /// The stateful operators, sorts and limits met, bottom up, for `StreamingRules`.
    var statefulNodes: [StatefulNode] = []

    /// The whole plan's output.
    mutating func resolve(_ plan: LogicalPlan) throws -> Resolved {
        let children = try plan.children.map { try resolve($0) }
        return try resolveNode(plan, children)
    }

    /// One node, given its children's resolutions (in `plan.children` order).
    mutating func resolveNode(_ plan: LogicalPlan, _ children: [Resolved]) throws -> Resolved {
        switch plan {
        case .source(let provider):
            return Resolved(schema: provider.schema)
        case .filter(let cond, _):
            let input = children[0]
            _ = try Self.wrap("filter(\(cond))") { try FilterOperator(predicate: cond, input: input.schema) }
            return input
        case .project(let exprs, _):
            return try Self.project(exprs, children[0], what: Self.describeSelect(exprs))
        case .withColumn(let name, let expr, _):
            return try Self.project(Self.withColumnExprs(name, expr, children[0].schema), children[0], what: "withColumn(\"\(name)\", \(expr))")
        case .drop(let names, _):
            return try Self.project(Self.dropExprs(names, children[0].schema), children[0], what: "drop(\(names.joined(separator: ", ")))")
        case .watermark(let column, let delayMs, _, _):
            let input = children[0]
            let what = "withWatermark(\"\(column)\", \(delayMs) ms)"
            guard let f = input.schema.field(column) else {
                throw QueryError.analysis(.unresolvedColumn(column, candidates: input.schema.names, context: "== Query ==\n\(what)"))
            }
            guard f.type == .timestamp else { throw QueryError.analysis(.eventTimeNotTimestamp(column, f.type)) }
            guard delayMs >= 0 else { throw QueryError.invalidQuery("withWatermark: the delay should not be negative") }
            guard input.eventTime == nil else { throw QueryError.invalidQuery("withWatermark: redefining the watermark is not supported") }
            return Resolved(schema: input.schema, eventTime: column, delayMs: delayMs, derivedEventTime: input.derivedEventTime)
        case .aggregate(let keys, let window, let aggregates, _):
            return try aggregate(keys: keys, window: window, aggregates: aggregates, children[0])
        case .joinStatic(let table, let keys, _, let outputs, _):
            let input = children[0]
            let schema = try Self.wrap("join(on: \(keys.joined(separator: ", ")))") {
                try HashJoinOperator.outputSchema(stream: input.schema, staticSchema: table.schema, on: keys, outputs: outputs)
            }
            return Resolved(schema: schema, eventTime: input.eventTime, delayMs: input.delayMs, derivedEventTime: input.derivedEventTime)
        case .lookupJoin(let table, let key, _, let outputs, _):
            let input = children[0]
            let schema = try Self.wrap("lookupJoin(\(table.provider.description), on: \(key))") {
                try LookupJoinOperator.outputSchema(stream: input.schema, lookupSchema: table.schema, key: key, outputs: outputs)
            }
            return Resolved(schema: schema, eventTime: input.eventTime, delayMs: input.delayMs, derivedEventTime: input.derivedEventTime)
        case .deduplicate(let columns, let within, _):
            let input = children[0]
            let what = "\(within ? "dropDuplicatesWithinWatermark" : "dropDuplicates")(\(columns.joined(separator: ", ")))"
            for c in columns where input.schema.index(of: c) == nil {
                throw QueryError.analysis(.unresolvedColumn(c, candidates: input.schema.names, context: "== Query ==\n\(what)"))
            }
            let eventTimeColumns = (input.eventTime.map { Set([$0]) } ?? []).union(input.derivedEventTime)
            let keyColumns = columns.isEmpty ? Set(input.schema.names) : Set(columns)
            statefulNodes.append(
                StatefulNode(
                    kind: within ? .dropDuplicatesWithinWatermark : .dropDuplicates, name: what, watermarked: !eventTimeColumns.isEmpty,
                    keysHaveEventTime: !keyColumns.isDisjoint(with: eventTimeColumns)))
            return input
        case .sort(let orders, let child):
            let input = children[0]
            let what = "orderBy(\(orders.map(\.description).joined(separator: ", ")))"
            _ = try Self.wrap(what) { try SortOperator(orders: orders, input: input.schema) }
            statefulNodes.append(StatefulNode(kind: .sort, name: what, watermarked: false, aggregationBelow: child.containsAggregation))
            return input
        case .limit(let n, _):
            let input = children[0]
            _ = try Self.wrap("limit(\(n))") { try LimitOperator(count: n, input: input.schema) }
            statefulNodes.append(StatefulNode(kind: .limit, name: "limit(\(n))", watermarked: false))
            return input
        case .transformWithState(let spec, _):
            return try transformWithState(spec, children[0])
        case .union:
            let (a, b) = (children[0], children[1])
            guard a.schema.count == b.schema.count else {
                throw QueryError.analysis(.unionColumnCount(first: a.schema.count, second: b.schema.count))
            }
            for (i, (x, y)) in zip(a.schema.fields, b.schema.fields).enumerated() where x.type != y.type {
                throw QueryError.analysis(.unionColumnType(column: i, first: x.type, second: y.type))
            }
            // As in Spark, the output columns are the first input's, with its event-time marking.
            return Resolved(
                schema: UnionNode.schema(of: [a.schema, b.schema]), eventTime: a.eventTime, delayMs: a.delayMs,
                derivedEventTime: a.derivedEventTime)
        case .joinStream(_, _, let condition, let type):
            return try joinStream(children[0], children[1], condition: condition, type: type)
        }
    }

    /// `groupByKey(...).transformWithState(...)`: the processor's output columns, with no
    /// event-time marking (Spark's output needs an event-time column named by the user for that).
    private mutating func transformWithState(_ spec: TransformWithStateSpec, _ input: Resolved) throws -> Resolved {
        let what = spec.description
        for c in spec.keys where input.schema.index(of: c) == nil {
            throw QueryError.analysis(.unresolvedColumn(c, candidates: input.schema.names, context: "== Query ==\n\(what)"))
        }
        if spec.keys.isEmpty { throw QueryError.invalidQuery("\(what): groupByKey needs at least one column") }
        if spec.timeMode == .eventTime && input.eventTime == nil {
            throw QueryError.invalidQuery("\(what): timeMode eventTime fires timers by the watermark; call withWatermark on its input first")
        }
        do { try TransformWithStateOperator.validate(spec.processor) } catch { throw QueryError.invalidQuery("\(what): \(error)") }
        statefulNodes.append(StatefulNode(kind: .transformWithState, name: what, watermarked: input.eventTime != nil))
        return Resolved(schema: spec.processor.outputSchema)
    }

    /// `groupBy(...).agg(...)`: the window's bounds, the keys, then one column per aggregate;
    /// checked in the order `StreamingAggregation` and `SessionWindowAggregation` check.
    private mutating func aggregate(keys: [Expr], window: WindowSpec?, aggregates: [AggregateExpr], _ input: Resolved) throws -> Resolved {
        let what = Self.describeAggregation(keys: keys, window: window, aggregates: aggregates)
        return try Self.wrap(what) {
            var fields: [Field] = []
            var derived: Set<String> = []
            if let window, window.kind == .session {
                guard !keys.isEmpty else {
                    throw ColumnarError.invalidArgument(
                        "global aggregation with a session window is not supported; group by at least one column besides the session")
                }
                guard input.schema.field(window.timeColumn)?.type == .timestamp else {
                    throw ColumnarError.typeMismatch("session window column '\(window.timeColumn)' must be a timestamp")
                }
                let watermarked = input.eventTime != nil && input.eventTime == window.timeColumn
                statefulNodes.append(
                    StatefulNode(
                        kind: .sessionWindowAggregation, name: what, watermarked: watermarked, hasDistinctAggregate: aggregates.contains(where: \.isDistinct)))
                fields = [Field(window.startColumn, .timestamp), Field(window.endColumn, .timestamp)]
                fields += try Self.keyFields(keys, input.schema) + Self.resultFields(aggregates, input.schema)
                guard watermarked else { return Resolved(schema: Schema(fields)) }
                // As Spark's session struct, the session carries the watermark: a later operator
                // compares its end with the watermark.
                return Resolved(
                    schema: Schema(fields), eventTime: window.endColumn, delayMs: input.delayMs, derivedEventTime: [window.startColumn])
            } else {
                let keyFields = try Self.keyFields(keys, input.schema)
                let results = try Self.resultFields(aggregates, input.schema)
                if let window {
                    let source = try window.timeSource(in: input.schema)
                    let f = input.schema.fields[try input.schema.require(source.column)]
                    guard f.type == .timestamp else { throw ColumnarError.typeMismatch("window column '\(f.name)' is \(f.type), not timestamp") }
                    fields = [Field(window.startColumn, .timestamp), Field(window.endColumn, .timestamp)]
                }
                fields += keyFields + results
                let eventTime = try Self.aggregationEventTime(keys: keys, window: window, input)
                statefulNodes.append(
                    StatefulNode(kind: .aggregation, name: what, watermarked: eventTime != nil, hasDistinctAggregate: aggregates.contains(where: \.isDistinct)))
                guard eventTime != nil else { return Resolved(schema: Schema(fields)) }
                // The output carries the watermark on the window (compared by its end, as Spark
                // compares a window struct) or on the keys that carried it, so a later stateful
                // operator of the chain drops and evicts by it.
                let carried = keys.filter { k in
                    if case .column(let c) = k.unaliased { return input.eventTimeColumns.contains(c) } else { return false }
                }.map(\.outputName)
                if let window, try window.timeSource(in: input.schema).column == eventTime {
                    derived = Set(carried).union([window.startColumn])
                    return Resolved(schema: Schema(fields), eventTime: window.endColumn, delayMs: input.delayMs, derivedEventTime: derived)
                }
                return Resolved(schema: Schema(fields), eventTime: carried[0], delayMs: input.delayMs, derivedEventTime: Set(carried.dropFirst()))
            }
        }
    }

    /// The column by which an aggregation drops late rows and finalises groups: the column its
    /// window is computed from, or else a key, when that column carries the watermark; nil if
    /// the grouping has no event time.
    static func aggregationEventTime(keys: [Expr], window: WindowSpec?, _ input: Resolved) throws -> String? {
        let carrying = input.eventTimeColumns
        if let window, window.kind != .session, carrying.contains(try window.timeSource(in: input.schema).column) {
            return try window.timeSource(in: input.schema).column
        }
        let columns = keys.compactMap { k -> String? in if case .column(let c) = k.unaliased { return c } else { return nil } }
        if let et = input.eventTime, columns.contains(et) { return et }
        return columns.first { carrying.contains($0) }
    }

    /// The key column by which a deduplication forgets keys: the event-time column if it is a
    /// key, else a key carrying the watermark (a `windowTime` column after an aggregation).
    static func deduplicationEvictionKey(columns: [String], _ input: Resolved) -> String? {
        let keys = columns.isEmpty ? input.schema.names : columns
        if let et = input.eventTime, keys.contains(et) { return et }
        return keys.first { input.derivedEventTime.contains($0) }
    }

    private static func keyFields(_ keys: [Expr], _ input: Schema) throws -> [Field] {
        try keys.map { Field($0.outputName, try $0.resultType(in: input)) }
    }

    /// One column per aggregate, typed as its accumulator types it.
    private static func resultFields(_ aggregates: [AggregateExpr], _ input: Schema) throws -> [Field] {
        try aggregates.map { a in
            let inputType = try a.input?.resultType(in: input)
            guard let t = a.resultType(input: inputType) else {
                throw ColumnarError.typeMismatch("\(a.function.rawValue) cannot aggregate \(inputType.map(\.rawValue) ?? "nothing") in \(a.name)")
            }
            return Field(a.name, t)
        }
    }

    /// A projection; the event-time column survives if it is selected as is or renamed.
    private static func project(_ exprs: [Expr], _ input: Resolved, what: String) throws -> Resolved {
        let op = try wrap(what) { try ProjectOperator(expressions: exprs, input: input.schema) }
        return projected(op.outputSchema, exprs, input)
    }

    /// The event-time marking after projecting `input` with `exprs`.
    static func projected(_ schema: Schema, _ exprs: [Expr], _ input: Resolved) -> Resolved {
        var eventTime: String?
        if let et = input.eventTime {
            for e in exprs {
                if case .column(et) = e.unaliased { eventTime = e.outputName; break }
            }
        }
        var derived: Set<String> = []
        let carrying = input.eventTimeColumns
        for e in exprs {
            if case .column(let c) = e.unaliased, input.derivedEventTime.contains(c) { derived.insert(e.outputName) }
            // `window_time(window)` carries the watermark, as in Spark.
            if let w = e.windowTimeOf, carrying.contains(w + "_end") { derived.insert(e.outputName) }
        }
        derived.remove(eventTime ?? "")
        return Resolved(schema: schema, eventTime: eventTime, delayMs: eventTime == nil ? nil : input.delayMs, derivedEventTime: derived)
    }

    /// `withColumn(name, expr)` as a projection: the column replaced in place, or added last.
    static func withColumnExprs(_ name: String, _ expr: Expr, _ input: Schema) -> [Expr] {
        var exprs = input.names.map { $0 == name ? expr.as(name) : col($0) }
        if input.index(of: name) == nil { exprs.append(expr.as(name)) }
        return exprs
    }

    /// `drop(names)` as a projection (unknown names are ignored, as in Spark).
    static func dropExprs(_ names: [String], _ input: Schema) -> [Expr] {
        input.names.filter { !names.contains($0) }.map(col)
    }

    static func describeSelect(_ exprs: [Expr]) -> String {
        "select(\(exprs.map(\.description).joined(separator: ", ")))"
    }

    /// `groupBy(window(ts), service).agg(count)`, for messages.
    static func describeAggregation(keys: [Expr], window: WindowSpec?, aggregates: [AggregateExpr]) -> String {
        var grouping = keys.map(\.description)
        if let window { grouping.insert((window.kind == .session ? "session_window" : "window") + "(\(window.timeColumn))", at: 0) }
        return "groupBy(\(grouping.joined(separator: ", "))).agg(\(aggregates.map(\.name).joined(separator: ", ")))"
    }

    /// Runs `body`, reporting an unknown column as Spark's `UNRESOLVED_COLUMN` and other
    /// operator errors as an invalid query naming the call (`what`).
    static func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ColumnarError {
            if case .unknownColumn(let name, let available) = e {
                throw QueryError.analysis(.unresolvedColumn(name, candidates: available, context: "== Query ==\n\(what)"))
            }
            throw QueryError.invalidQuery("\(what): \(e)")
        }
    }
}
