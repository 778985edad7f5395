import Columnar
import Operators

/// A node of the physical plan: it runs its children for a batch and returns what it produced.
///
/// Everything a batch yields travels up in the returned `NodeOutput` (rows, late rows,
/// event-time statistics, operator metrics); no node keeps a batch's results in fields for the
/// engine to read afterwards. Modelled on DataFusion's `ExecutionPlan`: a node knows its schema
/// and children, so one with two children (a union, a stream-stream join) fits the same shape.
protocol PhysicalNode: Sendable {
    /// The schema of the rows this node produces.
    var schema: Schema { get }
    var children: [any PhysicalNode] { get }
    /// One line for this node in `PhysicalPlan.description` (children are indented below it).
    var label: String { get }
    /// Runs the node (and its children) for one batch.
    func execute(_ batch: BatchInput) throws -> NodeOutput
}

/// What a plan is run with for one batch.
struct BatchInput: Sendable {
    /// The rows each source read for the batch, by source index, in parts (row order).
    var sources: [[RecordBatch]]
    /// The batch id and its watermarks, for stateful operators.
    var stateful: StatefulContext
    /// The batch's processing time in µs (from `offsets/N`, so a re-run sees the same value):
    /// event times further ahead than a watermark's limit do not count.
    var batchTimestampMicros: Int64
    /// Each stateful operator's own watermarks, by operator id (`WatermarkPropagation`); an
    /// operator missing here runs with `stateful`.
    var operatorContexts: [Int: StatefulContext] = [:]

    /// The context stateful operator `operatorId` runs with: its own watermarks and the batch's
    /// processing time (which processing-time timers and TTL follow).
    func context(for operatorId: Int) -> StatefulContext {
        var context = operatorContexts[operatorId] ?? stateful
        context.batchTimestampMicros = batchTimestampMicros
        return context
    }
}

/// What a node produced for one batch: its rows and everything measured below it.
struct NodeOutput: Sendable {
    /// The rows, in one or more parts (row order); empty for no rows.
    var parts: [RecordBatch]
    var schema: Schema
    /// Event-time statistics by watermark id (`WatermarkNode.id`).
    var eventTime: [Int: EventTimeStats] = [:]
    /// Metrics by stateful operator id.
    var operatorMetrics: [Int: StatefulOperatorMetrics] = [:]
    /// Input rows a stateful operator dropped as late, by operator id.
    var lateRows: [Int: RecordBatch] = [:]
    /// What each lookup join did, by its id (`LookupJoinNode.id`).
    var lookupJoins: [Int: LookupJoinMetrics] = [:]
    /// The version each refreshable static table was joined with, by its id (`RefreshingStaticJoinNode.id`).
    var staticTables: [Int: StaticTableProgress] = [:]

    /// The rows as one batch.
    func joined() throws -> RecordBatch {
        switch parts.count {
        case 0: return RecordBatch.empty(schema)
        case 1: return parts[0]
        default: return try RecordBatch.concat(parts, schema: schema)
        }
    }

    /// Adds what another branch measured (a node with several children).
    mutating func absorbMeasurements(of other: NodeOutput) {
        for (id, s) in other.eventTime { eventTime[id, default: EventTimeStats()].add(s) }
        operatorMetrics.merge(other.operatorMetrics) { a, _ in a }
        lateRows.merge(other.lateRows) { a, _ in a }
        lookupJoins.merge(other.lookupJoins) { a, _ in a }
        staticTables.merge(other.staticTables) { a, _ in a }
    }
}

extension PhysicalNode {
    /// This node and its descendants, children first (left to right), parents after them.
    var subtree: [any PhysicalNode] {
        children.flatMap(\.subtree) + [self]
    }
}
