import Columnar
import Operators

/// A stateless operator that needs the batch's rows together (a sort, a per-batch limit): it
/// joins its input's parts and runs the operator once.
struct WholeBatchNode<Operator: BatchOperator>: PhysicalNode {
    let child: any PhysicalNode
    let op: Operator
    /// What the user wrote, for the plan's description.
    let what: String

    var schema: Schema { op.outputSchema }
    var children: [any PhysicalNode] { [child] }
    var label: String { what }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        var output = try child.execute(batch)
        output.parts = [try op.process(try output.joined())]
        output.schema = schema
        return output
    }
}

typealias SortNode = WholeBatchNode<SortOperator>
typealias LimitNode = WholeBatchNode<LimitOperator>
