import Columnar
import Formats
import Operators
import State

/// Builds the physical plan tree from an (optimized) logical plan: one node per logical node,
/// each checked against the schema analysis derived for it.
struct PhysicalPlanner {
    /// A built node and what analysis knows about its output.
    struct Output {
        var node: any PhysicalNode
        var resolved: Resolved
        var schema: Schema { resolved.schema }
    }

    let sources: [Schema]
    let sourceDescriptions: [String]
    let mode: OutputMode
    let state: QueryPlanner.StateConfig
    private var analyzer = Analyzer()
    private var nextSource = 0
    private var nextOperatorId = 0
    private var nextWatermarkId = 0
    private var nextLookupJoinId = 0
    private var nextRefreshingJoinId = 0

    init(sources: [Schema], sourceDescriptions: [String], mode: OutputMode, state: QueryPlanner.StateConfig) {
        self.sources = sources
        self.sourceDescriptions = sourceDescriptions
        self.mode = mode
        self.state = state
    }

    mutating func build(_ plan: LogicalPlan) throws -> Output {
        // Filter, then copy only the columns the projection reads.
        if case .project(let exprs, .filter(let cond, let child)) = plan {
            let input = try build(child)
            let filtered = try analyzer.resolveNode(.filter(cond, child), [input.resolved])
            let resolved = try analyzer.resolveNode(plan, [filtered])
            let refs = exprs.reduce(into: Set<String>()) { $0.formUnion($1.referencedColumns) }
            let filter = try Analyzer.wrap("filter(\(cond))") { try FilterOperator(predicate: cond, input: input.schema, keep: refs) }
            let narrowed = FilterNode(child: input.node, op: filter, what: "filter(\(cond)) keeping \(refs.sorted().joined(separator: ", "))")
            let op = try Analyzer.wrap(Analyzer.describeSelect(exprs)) { try ProjectOperator(expressions: exprs, input: filter.outputSchema) }
            return try checked(ProjectNode(child: narrowed, op: op, what: Analyzer.describeSelect(exprs)), resolved)
        }
        let children = try plan.children.map { try build($0) }
        let resolved = try analyzer.resolveNode(plan, children.map(\.resolved))
        let input = children.first
        switch plan {
        case .source:
            defer { nextSource += 1 }
            let description = nextSource < sourceDescriptions.count ? sourceDescriptions[nextSource] : ""
            return try checked(SourceScanNode(sourceIndex: nextSource, schema: sources[nextSource], sourceDescription: description), resolved)
        case .filter(let cond, _):
            let op = try FilterOperator(predicate: cond, input: input!.schema)
            return try checked(FilterNode(child: input!.node, op: op, what: "filter(\(cond))"), resolved)
        case .project(let exprs, _):
            return try checked(project(exprs, input!, what: Analyzer.describeSelect(exprs)), resolved)
        case .withColumn(let name, let expr, _):
            return try checked(project(Analyzer.withColumnExprs(name, expr, input!.schema), input!, what: "withColumn(\"\(name)\", \(expr))"), resolved)
        case .drop(let names, _):
            return try checked(project(Analyzer.dropExprs(names, input!.schema), input!, what: "drop(\(names.joined(separator: ", ")))"), resolved)
        case .watermark(let column, let delayMs, let maxAhead, _):
            defer { nextWatermarkId += 1 }
            let node = WatermarkNode(child: input!.node, id: nextWatermarkId, column: column, delayMs: delayMs, maxAhead: maxAhead)
            return try checked(node, resolved)
        case .aggregate(let keys, let window, let aggregates, _):
            let what = Analyzer.describeAggregation(keys: keys, window: window, aggregates: aggregates)
            let id = nextOperatorId
            nextOperatorId += 1
            let eventTime = input!.resolved.eventTime
            let groupingEventTime = try Analyzer.wrap(what) { try Analyzer.aggregationEventTime(keys: keys, window: window, input!.resolved) }
            if let window, window.kind == .session {
                let op = try Analyzer.wrap(what) {
                    try SessionWindowAggregation(
                        keys: keys, window: window, aggregates: aggregates, input: input!.schema, eventTimeColumn: eventTime,
                        mode: mode, operatorId: id, stateProvider: stateProvider(id))
                }
                return try checked(SessionAggregationNode(child: input!.node, operatorId: id, op: op, what: what), resolved)
            }
            let op = try Analyzer.wrap(what) {
                try StreamingAggregation(
                    keys: keys, window: window, aggregates: aggregates, input: input!.schema, eventTimeColumn: groupingEventTime,
                    mode: mode, operatorId: id, stateProvider: stateProvider(id))
            }
            return try checked(AggregationNode(child: input!.node, operatorId: id, op: op, what: what), resolved)
        case .joinStatic(let table, let keys, let type, let outputs, _):
            let what = "join(on: \(keys.joined(separator: ", ")))"
            if let refresh = table.refresh {
                defer { nextRefreshingJoinId += 1 }
                let join = try Analyzer.wrap(what) {
                    try RefreshingStaticJoin(refresh, stream: input!.schema, keys: keys, type: type, outputs: outputs)
                }
                let node = RefreshingStaticJoinNode(
                    child: input!.node, id: nextRefreshingJoinId, join: join,
                    what: "\(what), \(type.rawValue), \(refresh.source.description) refreshed as it changes")
                return try checked(node, resolved)
            }
            let op = try Analyzer.wrap(what) {
                try HashJoinOperator(stream: input!.schema, staticTable: table.batch, on: keys, type: type, outputs: outputs)
            }
            return try checked(StaticJoinNode(child: input!.node, op: op, what: "\(what), \(type.rawValue)"), resolved)
        case .deduplicate(let columns, let within, _):
            let what = "\(within ? "dropDuplicatesWithinWatermark" : "dropDuplicates")(\(columns.joined(separator: ", ")))"
            let id = nextOperatorId
            nextOperatorId += 1
            let input = input!
            guard !within || input.resolved.eventTime != nil else { throw QueryError.analysis(.dropDuplicatesWithinWatermarkWithoutWatermark) }
            let delay = within ? input.resolved.delayMs.map { $0 * 1000 } : nil
            // A key carrying the watermark stands in for an event-time column projected away
            // (`select(windowTime(col("window")).as("wt"), …)` keeps only the derived column).
            let evictionKey = Analyzer.deduplicationEvictionKey(columns: columns, input.resolved)
            let op = try Analyzer.wrap(what) {
                try StreamingDeduplication(
                    columns: columns, input: input.schema, eventTimeColumn: input.resolved.eventTime ?? evictionKey,
                    evictionKeyColumn: evictionKey, withinWatermarkDelay: delay,
                    operatorId: id, stateProvider: stateProvider(id))
            }
            return try checked(DeduplicationNode(child: input.node, operatorId: id, op: op, what: what), resolved)
        case .sort(let orders, _):
            let op = try Analyzer.wrap("orderBy") { try SortOperator(orders: orders, input: input!.schema) }
            return try checked(SortNode(child: input!.node, op: op, what: "orderBy(\(orders.map(\.description).joined(separator: ", ")))"), resolved)
        case .limit(let n, _):
            // Append mode: the limit holds over the query's life, counted in state. Complete mode:
            // each batch is the whole result table, so it is that table's first n rows.
            guard mode == .append else {
                let op = try Analyzer.wrap("limit(\(n))") { try LimitOperator(count: n, input: input!.schema) }
                return try checked(LimitNode(child: input!.node, op: op, what: "limit(\(n))"), resolved)
            }
            let id = nextOperatorId
            nextOperatorId += 1
            let op = try Analyzer.wrap("limit(\(n))") { try StreamingLimit(limit: n, input: input!.schema, stateProvider: stateProvider(id)) }
            return try checked(StreamingLimitNode(child: input!.node, operatorId: id, op: op, what: "limit(\(n))"), resolved)
        case .transformWithState(let spec, _):
            let id = nextOperatorId
            nextOperatorId += 1
            let input = input!
            let op = try Analyzer.wrap(spec.description) {
                try TransformWithStateOperator(
                    keys: spec.keys, input: input.schema, processor: spec.processor, timeMode: spec.timeMode,
                    eventTimeColumn: input.resolved.eventTime, stateProvider: stateProvider(id))
            }
            return try checked(TransformWithStateNode(child: input.node, operatorId: id, op: op, what: spec.description), resolved)
        case .lookupJoin(let table, let key, let type, let outputs, _):
            defer { nextLookupJoinId += 1 }
            return try checked(try LookupJoinNode.build(table, key: key, type: type, outputs: outputs, input: input!.node, id: nextLookupJoinId), resolved)
        case .union:
            return try checked(UnionNode(children: children.map(\.node), schema: resolved.schema), resolved)
        case .joinStream(_, _, let condition, let type):
            return try checked(try joinStream(children[0], children[1], condition: condition, type: type), resolved)
        }
    }

    /// A stream-stream join, numbered after the stateful operators of both its inputs.
    private mutating func joinStream(_ left: Output, _ right: Output, condition: Expr, type: StreamJoinType) throws -> any PhysicalNode {
        let id = nextOperatorId
        nextOperatorId += 1
        let what = "join(\(condition), \(type.rawValue))"
        let op = try Analyzer.wrap(what) {
            try StreamingSymmetricHashJoin(
                left: left.schema, right: right.schema, condition: condition, type: type, leftEventTime: left.resolved.eventTime,
                rightEventTime: right.resolved.eventTime, stateProvider: stateProvider(id))
        }
        return StreamJoinNode(left: left.node, right: right.node, operatorId: id, op: op, what: what)
    }

    private func project(_ exprs: [Expr], _ input: Output, what: String) throws -> any PhysicalNode {
        ProjectNode(child: input.node, op: try Analyzer.wrap(what) { try ProjectOperator(expressions: exprs, input: input.schema) }, what: what)
    }

    /// The node, if it produces the schema analysis derived: the logical plan's schemas are what
    /// the API reports (`DataStream.schema()`) and what the sink was checked against.
    private func checked(_ node: any PhysicalNode, _ resolved: Resolved) throws -> Output {
        guard node.schema == resolved.schema else {
            if node is SourceScanNode {
                throw QueryError.notStarted(
                    "source \(node.label) produces the columns [\(Self.describe(node.schema))], but it declared [\(Self.describe(resolved.schema))]; "
                        + "the source's schema must not change between load() and start()")
            }
            throw QueryError.invalidQuery(
                "internal error: \(node.label) produces [\(Self.describe(node.schema))], analysis derived [\(Self.describe(resolved.schema))]")
        }
        return Output(node: node, resolved: resolved)
    }

    private static func describe(_ s: Schema) -> String {
        s.fields.map { "\($0.name) \($0.type)\($0.nullable ? "" : " not null")" }.joined(separator: ", ")
    }

    private func stateProvider(_ id: Int) -> (Schema, Schema) throws -> any StateStoreProvider {
        let state = self.state
        return { key, value in
            if state.inMemory { return InMemoryStateStoreProvider(keySchema: key, valueSchema: value, numPartitions: state.partitions) }
            return try FileStateStoreProvider(
                checkpointRoot: state.checkpointRoot, operatorId: id, keySchema: key, valueSchema: value,
                configuredPartitions: state.partitions, maintenanceTask: state.maintenance, trace: state.trace)
        }
    }
}
