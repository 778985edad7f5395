import Columnar

/// `union`: the rows of every child, in child order, under the union's column names (matched by
/// position, as Spark's `union` does). Each child's stateless run still runs per part; the parts
/// are passed on as they are, so a per-part node above the union works on them in parallel too.
struct UnionNode: PhysicalNode {
    let children: [any PhysicalNode]
    let schema: Schema

    var label: String { "Union" }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        var output = NodeOutput(parts: [], schema: schema)
        for child in children {
            let out = try child.execute(batch)
            for part in out.parts where part.rowCount > 0 {
                output.parts.append(try RecordBatch(schema: schema, columns: part.columns))
            }
            output.absorbMeasurements(of: out)
        }
        return output
    }

    /// The union's schema: the first child's names and types; a column is nullable if it is in
    /// any child.
    static func schema(of children: [Schema]) -> Schema {
        let first = children[0]
        return Schema(first.fields.enumerated().map { i, f in
            Field(f.name, f.type, nullable: children.contains { $0.fields[i].nullable })
        })
    }
}
