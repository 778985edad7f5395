import Columnar
import Operators

/// A stream-stream join in the plan tree: runs both children, joins each one's parts, and
/// hands both to the `StreamingSymmetricHashJoin` (one state store for both sides), returning
/// its rows and metrics with everything measured below either child.
struct StreamJoinNode: StatefulPlanNode {
    let left: any PhysicalNode
    let right: any PhysicalNode
    let operatorId: Int
    let op: StreamingSymmetricHashJoin
    /// What the user wrote, for the plan's description.
    let what: String

    var schema: Schema { op.outputSchema }
    var children: [any PhysicalNode] { [left, right] }
    var label: String { "StreamingSymmetricHashJoin #\(operatorId) \(what)" }
    var statefulOperator: any StatefulOperator { op }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        let l = try left.execute(batch)
        let r = try right.execute(batch)
        let result = try op.process(left: try l.joined(), right: try r.joined(), context: batch.context(for: operatorId))
        var output = NodeOutput(parts: [result.rows], schema: schema)
        output.absorbMeasurements(of: l)
        output.absorbMeasurements(of: r)
        output.operatorMetrics[operatorId] = result.metrics
        return output
    }

    /// A joined row can be older than the input watermark by as much as the range condition
    /// allows (Spark's join output watermark), so operators after the join get the lower value.
    func outputWatermark(input: Int64) -> Int64? { op.watermarks.outputWatermark(inputMicros: input) }
}
