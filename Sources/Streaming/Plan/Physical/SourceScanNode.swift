import Columnar

/// A leaf: the rows one source read for the batch (the engine reads the sources, so that
/// `offsets/N` is written before any data is read; this node hands the data to the plan).
struct SourceScanNode: PhysicalNode {
    /// The source's position in the query's sources (and in `offsets/N`).
    let sourceIndex: Int
    let schema: Schema
    let sourceDescription: String

    var children: [any PhysicalNode] { [] }
    var label: String { "SourceScan #\(sourceIndex) \(sourceDescription) [\(schema.names.joined(separator: ", "))]" }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        let parts = sourceIndex < batch.sources.count ? batch.sources[sourceIndex] : []
        return NodeOutput(parts: parts, schema: schema)
    }
}
