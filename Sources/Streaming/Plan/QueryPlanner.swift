import Columnar
import Formats
import Operators
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
        return try physical(plan, sourceSchemas: plan.sources.map { try $0.resolvedSchema() }, outputMode: outputMode, state: .dryRun).outputSchema
    }

    /// The rewrites a query's plan goes through before its sources are built: filters below the
    /// watermark, filters into the sources that can use them, then column pruning (skipped when
    /// late rows go to a sink whole).
    static func optimize(_ plan: LogicalPlan, pruneColumns: Bool) -> LogicalPlan {
        let pushed = FilterPushdown.apply(pushFiltersBelowWatermark(plan))
        return pruneColumns ? ColumnPruning.apply(pushed) : pushed
    }

    /// - Parameter sourceSchemas: the schema of each source in `plan.sources` order.
    static func physical(_ plan: LogicalPlan, sourceSchemas: [Schema], outputMode: OutputMode, state: StateConfig) throws -> PhysicalPlan {
        var builder = Builder(sources: sourceSchemas, mode: outputMode, state: state)
        let out = try builder.build(pushFiltersBelowWatermark(plan))
        return PhysicalPlan(stages: builder.stages, outputSchema: out.schema)
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
            guard let child = plan.children.first else { return plan }
            return rebuild(plan, pushFiltersBelowWatermark(child))
        }
    }

    /// `plan` with its (only) child replaced.
    static func rebuild(_ plan: LogicalPlan, _ child: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .source: return plan
        case .filter(let c, _): return .filter(c, child)
        case .project(let e, _): return .project(e, child)
        case .withColumn(let n, let e, _): return .withColumn(n, e, child)
        case .drop(let n, _): return .drop(n, child)
        case .watermark(let c, let d, let a, _): return .watermark(column: c, delayMs: d, maxAhead: a, child)
        case .aggregate(let k, let w, let a, _): return .aggregate(keys: k, window: w, aggregates: a, child)
        case .deduplicate(let c, let w, _): return .deduplicate(columns: c, withinWatermark: w, child)
        case .joinStatic(let t, let k, let ty, let o, _): return .joinStatic(t, keys: k, type: ty, outputs: o, child)
        }
    }

    /// Rejects what Spark rejects, with Spark's reasons.
    static func validate(outputMode: OutputMode, plan: LogicalPlan) throws {
        if outputMode == .complete && !plan.hasAggregation {
            throw QueryError.invalidQuery(
                "Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets")
        }
        if plan.statefulCount > 1 {
            throw QueryError.invalidQuery(
                "a query may hold one stateful operator (aggregation or deduplication); chains of them are not supported yet")
        }
    }

    /// A node's output: its schema and, if still present, the watermarked event-time column.
    struct Output {
        var schema: Schema
        var eventTime: String?
        var delayMs: Int64?
    }

    struct Builder {
        let sources: [Schema]
        let mode: OutputMode
        let state: StateConfig
        var nextSource = 0
        var nextOperatorId = 0
        var stages: [Stage] = []

        init(sources: [Schema], mode: OutputMode, state: StateConfig) {
            self.sources = sources
            self.mode = mode
            self.state = state
        }

        mutating func build(_ plan: LogicalPlan) throws -> Output {
            func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
                do { return try body() } catch let e as ColumnarError { throw QueryError.invalidQuery("\(what): \(e)") }
            }
            switch plan {
            case .source:
                defer { nextSource += 1 }
                return Output(schema: sources[nextSource])
            case .filter(let cond, let child):
                let input = try build(child)
                let op = try wrap("filter(\(cond))") { try FilterOperator(predicate: cond, input: input.schema) }
                stages.append(.stateless(op))
                return Output(schema: op.outputSchema, eventTime: input.eventTime, delayMs: input.delayMs)
            case .project(let exprs, .filter(let cond, let child)):
                // Filter, then copy only the columns the projection reads.
                let input = try build(child)
                let refs = exprs.reduce(into: Set<String>()) { $0.formUnion($1.referencedColumns) }
                let filter = try wrap("filter(\(cond))") { try FilterOperator(predicate: cond, input: input.schema, keep: refs) }
                stages.append(.stateless(filter))
                let narrowed = Output(
                    schema: filter.outputSchema, eventTime: input.eventTime.flatMap { refs.contains($0) ? $0 : nil }, delayMs: input.delayMs)
                let op = try wrap("select(\(exprs.map(\.description).joined(separator: ", ")))") {
                    try ProjectOperator(expressions: exprs, input: narrowed.schema)
                }
                return project(op, exprs, narrowed)
            case .project(let exprs, let child):
                let input = try build(child)
                let op = try wrap("select(\(exprs.map(\.description).joined(separator: ", ")))") {
                    try ProjectOperator(expressions: exprs, input: input.schema)
                }
                return project(op, exprs, input)
            case .withColumn(let name, let expr, let child):
                let input = try build(child)
                var exprs = input.schema.names.map { $0 == name ? expr.as(name) : col($0) }
                if input.schema.index(of: name) == nil { exprs.append(expr.as(name)) }
                let op = try wrap("withColumn(\"\(name)\", \(expr))") { try ProjectOperator(expressions: exprs, input: input.schema) }
                return project(op, exprs, input)
            case .drop(let names, let child):
                let input = try build(child)
                let exprs = input.schema.names.filter { !names.contains($0) }.map(col)
                return project(try ProjectOperator(expressions: exprs, input: input.schema), exprs, input)
            case .watermark(let column, let delayMs, let maxAhead, let child):
                let input = try build(child)
                guard let f = input.schema.field(column) else {
                    throw QueryError.invalidQuery("withWatermark: \(ColumnarError.unknownColumn(column, available: input.schema.names))")
                }
                guard f.type == .timestamp else { throw QueryError.invalidQuery("withWatermark: column '\(column)' is \(f.type), not timestamp") }
                guard delayMs >= 0 else { throw QueryError.invalidQuery("withWatermark: the delay should not be negative") }
                guard input.eventTime == nil else { throw QueryError.invalidQuery("withWatermark: redefining the watermark is not supported") }
                stages.append(.eventTime(EventTimeStatsCollector(column: column, delayMs: delayMs, maxAhead: maxAhead)))
                return Output(schema: input.schema, eventTime: column, delayMs: delayMs)
            case .aggregate(let keys, let window, let aggregates, let child):
                let input = try build(child)
                let what = "groupBy(...).agg(\(aggregates.map(\.name).joined(separator: ", ")))"
                let op: any StatefulOperator
                let id = nextOperatorId
                nextOperatorId += 1
                if let window, window.kind == .session {
                    if mode == .update {
                        throw QueryError.invalidQuery("Update output mode not supported for session window on streaming DataFrames/DataSets")
                    }
                    op = try wrap(what) {
                        try SessionWindowAggregation(
                            keys: keys, window: window, aggregates: aggregates, input: input.schema, eventTimeColumn: input.eventTime,
                            mode: emitMode, operatorId: id, stateProvider: provider(id))
                    }
                } else {
                    let agg = try wrap(what) {
                        try StreamingAggregation(
                            keys: keys, window: window, aggregates: aggregates, input: input.schema, eventTimeColumn: input.eventTime,
                            mode: emitMode, operatorId: id, stateProvider: provider(id))
                    }
                    if mode == .append && !agg.isWatermarked {
                        throw QueryError.invalidQuery(
                            "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark"
                                + " (group by a window on the column given to withWatermark, or use update or complete mode)")
                    }
                    op = agg
                }
                if let window, window.kind == .session, mode == .append, input.eventTime != window.timeColumn {
                    throw QueryError.invalidQuery(
                        "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark")
                }
                stages.append(.stateful(op))
                return Output(schema: op.outputSchema)
            case .joinStatic(let table, let keys, let type, let outputs, let child):
                let input = try build(child)
                let op = try wrap("join(on: \(keys.joined(separator: ", ")))") {
                    try HashJoinOperator(stream: input.schema, staticTable: table.batch, on: keys, type: type, outputs: outputs)
                }
                stages.append(.stateless(op))
                return Output(schema: op.outputSchema, eventTime: input.eventTime, delayMs: input.delayMs)
            case .deduplicate(let columns, let within, let child):
                let input = try build(child)
                if within && input.eventTime == nil {
                    throw QueryError.invalidQuery("dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark")
                }
                let id = nextOperatorId
                nextOperatorId += 1
                let delay = within ? input.delayMs.map { $0 * 1000 } : nil
                let op = try wrap("dropDuplicates(\(columns.joined(separator: ", ")))") {
                    try StreamingDeduplication(
                        columns: columns, input: input.schema, eventTimeColumn: input.eventTime, withinWatermarkDelay: delay,
                        operatorId: id, stateProvider: provider(id))
                }
                stages.append(.stateful(op))
                return Output(schema: op.outputSchema, eventTime: input.eventTime, delayMs: input.delayMs)
            }
        }

        private var emitMode: EmitMode {
            switch mode {
            case .append: return .append
            case .update: return .update
            case .complete: return .complete
            }
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
        private mutating func project(_ op: ProjectOperator, _ exprs: [Expr], _ input: Output) -> Output {
            stages.append(.stateless(op))
            var eventTime: String?
            if let et = input.eventTime {
                for e in exprs {
                    if case .column(et) = e.unaliased { eventTime = e.outputName; break }
                }
            }
            return Output(schema: op.outputSchema, eventTime: eventTime, delayMs: eventTime == nil ? nil : input.delayMs)
        }
    }
}

/// A query that cannot run as written.
public enum QueryError: Error, CustomStringConvertible, Equatable {
    case invalidQuery(String)
    case notStarted(String)

    public var description: String {
        switch self {
        case .invalidQuery(let m): return "invalid query: \(m)"
        case .notStarted(let m): return "query could not start: \(m)"
        }
    }
}
