import Columnar
import Formats
import Operators
import State
import Delta
import Sinks

/// Checks a logical plan against the streaming rules and builds its physical plan.
enum QueryPlanner {
    /// Where stateful operators keep their state, and how it is split.
    struct StateConfig: Sendable {
        var checkpointRoot: String
        var partitions: Int
        /// Where state commits record their phases (crash testing); nil normally.
        var trace: PhaseTrace? = nil
        /// A plan built only to learn its schema: no state is read or written.
        static let dryRun = StateConfig(checkpointRoot: "/nonexistent/sluice-dry-run", partitions: 1)
    }

    static func outputSchema(_ plan: LogicalPlan, outputMode: OutputMode = .append) throws -> Schema {
        let plan = ColumnPruning.apply(plan)
        let sources = plan.sources
        return try physical(
            plan, sourceSchemas: sources.map { try $0.resolvedSchema() }, sourceDescriptions: sources.map { _ in "" }, outputMode: outputMode,
            state: .dryRun
        ).outputSchema
    }

    /// The rewrites a query's plan goes through before its sources are built: filters below the
    /// watermark, filters into the sources that can use them, then column pruning (skipped when
    /// late rows go to a sink whole).
    static func optimize(_ plan: LogicalPlan, pruneColumns: Bool) -> LogicalPlan {
        let pushed = FilterPushdown.apply(pushFiltersBelowWatermark(plan))
        return pruneColumns ? ColumnPruning.apply(pushed) : pushed
    }

    /// - Parameters:
    ///   - sourceSchemas: the schema of each source in `plan.sources` order.
    ///   - sourceDescriptions: each source's description, for the plan's description.
    static func physical(
        _ plan: LogicalPlan, sourceSchemas: [Schema], sourceDescriptions: [String], outputMode: OutputMode, state: StateConfig
    ) throws -> PhysicalPlan {
        var builder = Builder(sources: sourceSchemas, mode: outputMode, state: state)
        builder.sourceDescriptions = sourceDescriptions
        let out = try builder.build(pushFiltersBelowWatermark(plan))
        return PhysicalPlan(root: out.node)
    }

    /// Spark pushes filters that do not read the event-time column below `withWatermark`, so
    /// the rows they remove do not count toward the watermark. Doing the same keeps results equal.
    static func pushFiltersBelowWatermark(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .filter(let cond, let child):
            // The child first: filters stacked on the watermark reach it one after the other.
            let pushed = pushFiltersBelowWatermark(child)
            if case .watermark(let column, let delay, let ahead, let below) = pushed, !cond.referencedColumns.contains(column) {
                return .watermark(column: column, delayMs: delay, maxAhead: ahead, pushFiltersBelowWatermark(.filter(cond, below)))
            }
            return .filter(cond, pushed)
        default:
            return plan.mapChildren(pushFiltersBelowWatermark)
        }
    }

    /// Checks the query as the user wrote it, before anything is read or written, and returns
    /// its output schema. In Spark's order: analysis (unknown columns, types) against each
    /// operator's whole input, not the columns pruning would leave; then Spark's streaming rules
    /// (`StreamingRules`); then what Sluice does not run yet.
    @discardableResult
    static func validate(outputMode: OutputMode, plan: LogicalPlan) throws -> Schema {
        var builder = Builder(sources: try plan.sources.map { try $0.resolvedSchema() }, mode: outputMode, state: .dryRun)
        builder.analysisOnly = true
        let out = try builder.build(plan)
        try StreamingRules.check(builder.statefulNodes, outputMode: outputMode)
        return out.schema
    }

    /// A node's output: its physical node, schema and, if still present, the watermarked
    /// event-time column.
    struct Output {
        var node: any PhysicalNode
        var schema: Schema { node.schema }
        var eventTime: String?
        var delayMs: Int64?
        /// Columns a stateful operator derived from the watermarked column (a window's bounds, a
        /// grouping key that is the event time): Spark keeps the watermark on them, which decides
        /// how it classifies a stateful operator that follows (`StreamingRules`).
        var derivedEventTime: Set<String> = []
    }

    struct Builder {
        let sources: [Schema]
        let mode: OutputMode
        let state: StateConfig
        var nextSource = 0
        var sourceDescriptions: [String] = []
        var nextOperatorId = 0
        var nextWatermarkId = 0
        /// The stateful operators met, bottom up, for `StreamingRules`.
        var statefulNodes: [StatefulNode] = []
        /// Set by `validate`: build only to analyse, leaving operators the rules will refuse unbuilt.
        var analysisOnly = false

        init(sources: [Schema], mode: OutputMode, state: StateConfig) {
            self.sources = sources
            self.mode = mode
            self.state = state
        }

        mutating func build(_ plan: LogicalPlan) throws -> Output {
            func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
                do { return try body() } catch let e as ColumnarError {
                    if case .unknownColumn(let name, let available) = e {
                        throw QueryError.analysis(.unresolvedColumn(name, candidates: available, context: "== Query ==\n\(what)"))
                    }
                    throw QueryError.invalidQuery("\(what): \(e)")
                }
            }
            switch plan {
            case .source:
                defer { nextSource += 1 }
                let description = nextSource < sourceDescriptions.count ? sourceDescriptions[nextSource] : ""
                return Output(node: SourceScanNode(sourceIndex: nextSource, schema: sources[nextSource], sourceDescription: description))
            case .filter(let cond, let child):
                let input = try build(child)
                let op = try wrap("filter(\(cond))") { try FilterOperator(predicate: cond, input: input.schema) }
                return Output(
                    node: FilterNode(child: input.node, op: op, what: "filter(\(cond))"), eventTime: input.eventTime, delayMs: input.delayMs,
                    derivedEventTime: input.derivedEventTime)
            case .project(let exprs, .filter(let cond, let child)):
                // Filter, then copy only the columns the projection reads.
                let input = try build(child)
                let refs = exprs.reduce(into: Set<String>()) { $0.formUnion($1.referencedColumns) }
                let filter = try wrap("filter(\(cond))") { try FilterOperator(predicate: cond, input: input.schema, keep: refs) }
                let narrowed = Output(
                    node: FilterNode(child: input.node, op: filter, what: "filter(\(cond)) keeping \(refs.sorted().joined(separator: ", "))"),
                    eventTime: input.eventTime.flatMap { refs.contains($0) ? $0 : nil }, delayMs: input.delayMs,
                    derivedEventTime: input.derivedEventTime.intersection(refs))
                let op = try wrap("select(\(exprs.map(\.description).joined(separator: ", ")))") {
                    try ProjectOperator(expressions: exprs, input: narrowed.schema)
                }
                return project(op, exprs, narrowed, what: "select(\(exprs.map(\.description).joined(separator: ", ")))")
            case .project(let exprs, let child):
                let input = try build(child)
                let op = try wrap("select(\(exprs.map(\.description).joined(separator: ", ")))") {
                    try ProjectOperator(expressions: exprs, input: input.schema)
                }
                return project(op, exprs, input, what: "select(\(exprs.map(\.description).joined(separator: ", ")))")
            case .withColumn(let name, let expr, let child):
                let input = try build(child)
                var exprs = input.schema.names.map { $0 == name ? expr.as(name) : col($0) }
                if input.schema.index(of: name) == nil { exprs.append(expr.as(name)) }
                let op = try wrap("withColumn(\"\(name)\", \(expr))") { try ProjectOperator(expressions: exprs, input: input.schema) }
                return project(op, exprs, input, what: "withColumn(\"\(name)\", \(expr))")
            case .drop(let names, let child):
                let input = try build(child)
                let exprs = input.schema.names.filter { !names.contains($0) }.map(col)
                return project(try ProjectOperator(expressions: exprs, input: input.schema), exprs, input, what: "drop(\(names.joined(separator: ", ")))")
            case .watermark(let column, let delayMs, let maxAhead, let child):
                let input = try build(child)
                let what = "withWatermark(\"\(column)\", \(delayMs) ms)"
                guard let f = input.schema.field(column) else {
                    throw QueryError.analysis(.unresolvedColumn(column, candidates: input.schema.names, context: "== Query ==\n\(what)"))
                }
                guard f.type == .timestamp else { throw QueryError.analysis(.eventTimeNotTimestamp(column, f.type)) }
                guard delayMs >= 0 else { throw QueryError.invalidQuery("withWatermark: the delay should not be negative") }
                guard input.eventTime == nil else { throw QueryError.invalidQuery("withWatermark: redefining the watermark is not supported") }
                let node = WatermarkNode(child: input.node, id: nextWatermarkId, column: column, delayMs: delayMs, maxAhead: maxAhead)
                nextWatermarkId += 1
                return Output(node: node, eventTime: column, delayMs: delayMs, derivedEventTime: input.derivedEventTime)
            case .aggregate(let keys, let window, let aggregates, let child):
                let input = try build(child)
                let what = Self.describeAggregation(keys: keys, window: window, aggregates: aggregates)
                let node: any PhysicalNode
                let id = nextOperatorId
                nextOperatorId += 1
                var derived: Set<String> = []
                if let window, window.kind == .session {
                    let watermarked = input.eventTime != nil && input.eventTime == window.timeColumn
                    statefulNodes.append(StatefulNode(kind: .sessionWindowAggregation, name: what, watermarked: watermarked))
                    // Update mode is refused by the rules; analysis builds it as append to learn its schema.
                    let emit = mode == .update && analysisOnly ? .append : mode
                    let op = try wrap(what) {
                        try SessionWindowAggregation(
                            keys: keys, window: window, aggregates: aggregates, input: input.schema, eventTimeColumn: input.eventTime,
                            mode: emit, operatorId: id, stateProvider: provider(id))
                    }
                    node = SessionAggregationNode(child: input.node, operatorId: id, op: op, what: what)
                    if watermarked { derived = [window.startColumn, window.endColumn] }
                } else {
                    let agg = try wrap(what) {
                        try StreamingAggregation(
                            keys: keys, window: window, aggregates: aggregates, input: input.schema, eventTimeColumn: input.eventTime,
                            mode: mode, operatorId: id, stateProvider: provider(id))
                    }
                    statefulNodes.append(StatefulNode(kind: .aggregation, name: what, watermarked: agg.isWatermarked))
                    if agg.isWatermarked {
                        if let window { derived = [window.startColumn, window.endColumn] }
                        for k in keys { if case .column(let c) = k.unaliased, c == input.eventTime { derived.insert(k.outputName) } }
                    }
                    node = AggregationNode(child: input.node, operatorId: id, op: agg, what: what)
                }
                return Output(node: node, derivedEventTime: derived)
            case .joinStatic(let table, let keys, let type, let outputs, let child):
                let input = try build(child)
                let op = try wrap("join(on: \(keys.joined(separator: ", ")))") {
                    try HashJoinOperator(stream: input.schema, staticTable: table.batch, on: keys, type: type, outputs: outputs)
                }
                return Output(
                    node: StaticJoinNode(child: input.node, op: op, what: "join(on: \(keys.joined(separator: ", ")), \(type.rawValue))"),
                    eventTime: input.eventTime, delayMs: input.delayMs, derivedEventTime: input.derivedEventTime)
            case .union(let first, let second):
                let a = try build(first), b = try build(second)
                guard a.schema.count == b.schema.count else {
                    throw QueryError.analysis(.unionColumnCount(first: a.schema.count, second: b.schema.count))
                }
                for (i, (x, y)) in zip(a.schema.fields, b.schema.fields).enumerated() where x.type != y.type {
                    throw QueryError.analysis(.unionColumnType(column: i, first: x.type, second: y.type))
                }
                // As in Spark, the output columns are the first input's, with its event-time marking.
                return Output(
                    node: UnionNode(children: [a.node, b.node], schema: UnionNode.schema(of: [a.schema, b.schema])), eventTime: a.eventTime,
                    delayMs: a.delayMs, derivedEventTime: a.derivedEventTime)
            case .deduplicate(let columns, let within, let child):
                let input = try build(child)
                let what = "\(within ? "dropDuplicatesWithinWatermark" : "dropDuplicates")(\(columns.joined(separator: ", ")))"
                let watermarked = input.eventTime.map { Set([$0]) } ?? []
                let eventTimeColumns = watermarked.union(input.derivedEventTime)
                let keyColumns = columns.isEmpty ? Set(input.schema.names) : Set(columns)
                for c in columns where input.schema.index(of: c) == nil {
                    throw QueryError.analysis(.unresolvedColumn(c, candidates: input.schema.names, context: "== Query ==\n\(what)"))
                }
                statefulNodes.append(
                    StatefulNode(
                        kind: within ? .dropDuplicatesWithinWatermark : .dropDuplicates, name: what, watermarked: !eventTimeColumns.isEmpty,
                        keysHaveEventTime: !keyColumns.isDisjoint(with: eventTimeColumns)))
                let id = nextOperatorId
                nextOperatorId += 1
                if within && input.eventTime == nil {
                    // The rules refuse it (without watermark, or after another stateful operator).
                    guard analysisOnly else { throw QueryError.analysis(.dropDuplicatesWithinWatermarkWithoutWatermark) }
                    return input
                }
                let delay = within ? input.delayMs.map { $0 * 1000 } : nil
                let op = try wrap(what) {
                    try StreamingDeduplication(
                        columns: columns, input: input.schema, eventTimeColumn: input.eventTime, withinWatermarkDelay: delay,
                        operatorId: id, stateProvider: provider(id))
                }
                return Output(
                    node: DeduplicationNode(child: input.node, operatorId: id, op: op, what: what), eventTime: input.eventTime,
                    delayMs: input.delayMs, derivedEventTime: input.derivedEventTime)
            }
        }

        /// `groupBy(window(ts), service).agg(count)`, for messages.
        static func describeAggregation(keys: [Expr], window: WindowSpec?, aggregates: [AggregateExpr]) -> String {
            var grouping = keys.map(\.description)
            if let window { grouping.insert((window.kind == .session ? "session_window" : "window") + "(\(window.timeColumn))", at: 0) }
            return "groupBy(\(grouping.joined(separator: ", "))).agg(\(aggregates.map(\.name).joined(separator: ", ")))"
        }

        private func provider(_ id: Int) -> (Schema, Schema) throws -> StateStoreProvider {
            let state = self.state
            return { key, value in
                try StateStoreProvider(
                    checkpointRoot: state.checkpointRoot, operatorId: id, keySchema: key, valueSchema: value,
                    configuredPartitions: state.partitions, trace: state.trace)
            }
        }

        /// Adds a projection; the event-time column survives if it is selected as is or renamed.
        private func project(_ op: ProjectOperator, _ exprs: [Expr], _ input: Output, what: String) -> Output {
            var eventTime: String?
            if let et = input.eventTime {
                for e in exprs {
                    if case .column(et) = e.unaliased { eventTime = e.outputName; break }
                }
            }
            var derived: Set<String> = []
            for e in exprs { if case .column(let c) = e.unaliased, input.derivedEventTime.contains(c) { derived.insert(e.outputName) } }
            return Output(
                node: ProjectNode(child: input.node, op: op, what: what), eventTime: eventTime, delayMs: eventTime == nil ? nil : input.delayMs,
                derivedEventTime: derived)
        }
    }
}

/// A query that cannot run as written.
public enum QueryError: Error, CustomStringConvertible, Equatable {
    case invalidQuery(String)
    case notStarted(String)
    /// Refused by analysis or a streaming rule, with Spark's condition and message.
    case analysis(AnalysisError)

    public var description: String {
        switch self {
        case .invalidQuery(let m): return "invalid query: \(m)"
        case .notStarted(let m): return "query could not start: \(m)"
        case .analysis(let e): return e.message
        }
    }
}
