import Columnar
import Operators

/// What running the plan over one batch produced.
struct PlanOutput: Sendable {
    var rows: RecordBatch
    /// Rows the first stateful operator dropped as late (same schema as its input).
    var lateRows: RecordBatch?
    /// Metrics of each stateful operator, by operator id.
    var operatorMetrics: [StatefulOperatorMetrics]
    /// Statistics of each watermark, by watermark id (empty statistics for one no row reached).
    var eventTime: [EventTimeStats]
    /// What each lookup join did, by its id.
    var lookupJoins: [LookupJoinMetrics] = []
    /// The version of each refreshable static table the batch was joined with, by its id.
    var staticTables: [StaticTableProgress] = []
}

/// The tree of nodes that turns one batch of source rows into one batch of result rows.
struct PhysicalPlan: Sendable, CustomStringConvertible {
    let root: any PhysicalNode
    /// Every stateful operator, by operator id: the engine commits their state after a batch.
    let statefulOperators: [any StatefulOperator]
    /// Every `withWatermark`, by watermark id: the inputs of `WatermarkTracker`.
    let watermarks: [WatermarkNode]
    /// Every lookup join's name, by id.
    let lookupJoinNames: [String]

    init(root: any PhysicalNode) {
        self.root = root
        let nodes = root.subtree
        statefulOperators = nodes.compactMap { $0 as? any StatefulPlanNode }.sorted { $0.operatorId < $1.operatorId }.map(\.statefulOperator)
        watermarks = nodes.compactMap { $0 as? WatermarkNode }.sorted { $0.id < $1.id }
        lookupJoinNames = nodes.compactMap { $0 as? LookupJoinNode }.sorted { $0.id < $1.id }.map(\.op.name)
    }

    var outputSchema: Schema { root.schema }

    func execute(_ batch: BatchInput) throws -> PlanOutput {
        var batch = batch
        batch.operatorContexts = WatermarkPropagation.contexts(root, batch.stateful)
        let out = try root.execute(batch)
        return PlanOutput(
            rows: try out.joined(), lateRows: out.lateRows[0],
            operatorMetrics: statefulOperators.indices.compactMap { out.operatorMetrics[$0] },
            eventTime: watermarks.indices.map { out.eventTime[$0] ?? EventTimeStats() },
            lookupJoins: lookupJoinNames.indices.map { out.lookupJoins[$0] ?? LookupJoinMetrics(name: lookupJoinNames[$0]) },
            staticTables: out.staticTables.sorted { $0.key < $1.key }.map(\.value))
    }

    /// The tree, one node per line, children indented under their parent.
    var description: String {
        var lines: [String] = []
        func visit(_ node: any PhysicalNode, _ depth: Int) {
            lines.append(String(repeating: "  ", count: depth) + node.label)
            for c in node.children { visit(c, depth + 1) }
        }
        visit(root, 0)
        return lines.joined(separator: "\n")
    }
}
