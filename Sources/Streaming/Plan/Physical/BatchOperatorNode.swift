import Columnar
import Operators

/// A stateless operator in the plan tree: filter, project (also `withColumn` and `drop`) or
/// the stream-static hash join. It runs per part (`PerPartNode`).
struct BatchOperatorNode<Operator: BatchOperator>: PerPartNode {
    let child: any PhysicalNode
    let op: Operator
    /// What the user wrote, for the plan's description.
    let what: String

    var schema: Schema { op.outputSchema }
    var label: String { what }

    func process(part: RecordBatch, batch: BatchInput, stats: inout PartStatistics) throws -> RecordBatch {
        try op.process(part)
    }
}

typealias FilterNode = BatchOperatorNode<FilterOperator>
typealias ProjectNode = BatchOperatorNode<ProjectOperator>
typealias StaticJoinNode = BatchOperatorNode<HashJoinOperator>
