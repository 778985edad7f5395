import Columnar
import Operators

/// A stateful operator in the plan tree. It joins its input's parts (state is updated once per
/// batch), runs the operator and returns its rows, late rows and metrics in the output.
struct StatefulOperatorNode<Operator: StatefulOperator>: StatefulPlanNode {
    let child: any PhysicalNode
    let operatorId: Int
    let op: Operator
    /// What the user wrote, for the plan's description.
    let what: String

    var schema: Schema { op.outputSchema }
    var children: [any PhysicalNode] { [child] }
    var label: String { "\(Operator.self) #\(operatorId) \(what)" }
    var statefulOperator: any StatefulOperator { op }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        var output = try child.execute(batch)
        let result = try op.process(try output.joined(), context: batch.context(for: operatorId))
        output.parts = [result.rows]
        output.schema = schema
        output.operatorMetrics[operatorId] = result.metrics
        if let late = result.lateRows { output.lateRows[operatorId] = late }
        return output
    }
}

/// A node holding a stateful operator, which the engine commits after each batch.
protocol StatefulPlanNode: PhysicalNode {
    /// The operator's number in the checkpoint (`state/<id>`), children first.
    var operatorId: Int { get }
    var statefulOperator: any StatefulOperator { get }
    /// The watermark this operator's output carries, given its input watermark (µs), for the
    /// operators after it (`WatermarkPropagation`); nil when its output has no event time.
    func outputWatermark(input: Int64) -> Int64?
}

extension StatefulPlanNode {
    /// Aggregations and deduplications emit no row older than their input watermark (Spark's
    /// default `produceOutputWatermark`).
    func outputWatermark(input: Int64) -> Int64? { input }
}

typealias AggregationNode = StatefulOperatorNode<StreamingAggregation>
typealias SessionAggregationNode = StatefulOperatorNode<SessionWindowAggregation>
typealias DeduplicationNode = StatefulOperatorNode<StreamingDeduplication>
typealias StreamingLimitNode = StatefulOperatorNode<StreamingLimit>
/// `transformWithState`: its timers and TTL follow the batch's processing time in the context.
typealias TransformWithStateNode = StatefulOperatorNode<TransformWithStateOperator>
