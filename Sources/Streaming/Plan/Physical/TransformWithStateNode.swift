import Columnar
import Operators

/// `transformWithState` in the plan tree: a stateful node that also hands its operator the
/// batch's processing time, which processing-time timers and TTL follow.
struct TransformWithStateNode: StatefulPlanNode {
    let child: any PhysicalNode
    let operatorId: Int
    let op: TransformWithStateOperator
    /// What the user wrote, for the plan's description.
    let what: String

    var schema: Schema { op.outputSchema }
    var children: [any PhysicalNode] { [child] }
    var label: String { "TransformWithStateOperator #\(operatorId) \(what)" }
    var statefulOperator: any StatefulOperator { op }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        var output = try child.execute(batch)
        var context = batch.context(for: operatorId)
        context.batchTimestampMicros = batch.batchTimestampMicros
        let result = try op.process(try output.joined(), context: context)
        output.parts = [result.rows]
        output.schema = schema
        output.operatorMetrics[operatorId] = result.metrics
        if let late = result.lateRows { output.lateRows[operatorId] = late }
        return output
    }
}
