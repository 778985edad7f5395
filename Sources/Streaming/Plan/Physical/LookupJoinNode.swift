import Columnar
import Operators

/// `lookupJoin`: looks up the distinct keys of the whole batch at once (so a key in several
/// parts is asked for once), then joins every part with the rows found, the parts on all cores.
struct LookupJoinNode: PhysicalNode {
    let child: any PhysicalNode
    /// The lookup join's number in the plan (children first), for its metrics.
    let id: Int
    let op: LookupJoinOperator
    let what: String

    var schema: Schema { op.outputSchema }
    var children: [any PhysicalNode] { [child] }
    var label: String { what }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        var output = try child.execute(batch)
        let (join, metrics) = try op.prepare(output.parts)
        let results = ParallelMap.run(output.parts) { part in Result { try join.process(part) } }
        output.parts = try results.map { try $0.get() }
        output.schema = schema
        output.lookupJoins[id] = metrics
        return output
    }
}

extension LookupJoinNode {
    /// The node of `lookupJoin`, with its table opened for only the columns used above it.
    static func build(
        _ table: LookupTable, key: String, type: JoinType, outputs: Set<String>?, input: any PhysicalNode, id: Int
    ) throws -> LookupJoinNode {
        let what = "lookupJoin(\(table.provider.description), on: \(key))"
        let columns = table.schema.fields.filter { $0.name == key || (outputs?.contains($0.name) ?? true) }
        let source = try table.provider.open(columns: columns.map(\.name), key: key)
        let op = try Analyzer.wrap(what) {
            try LookupJoinOperator(
                stream: input.schema, source: source, lookupSchema: Schema(columns), key: key, type: type, outputs: outputs,
                options: table.options, clock: table.clock)
        }
        return LookupJoinNode(child: input, id: id, op: op, what: "\(what), \(type.rawValue)")
    }
}
