import Operators

/// The watermarks each stateful operator of a chain runs with, as Spark ≥ 3.5 computes them
/// (`PropagateWatermarkSimulator` in `WatermarkPropagator.scala`): walking the plan children
/// first, a `withWatermark` emits the global watermark, a stateless node the minimum of its
/// children's, and a stateful operator takes the minimum of its children's as its input
/// watermark and emits what `StatefulPlanNode.outputWatermark(input:)` says (the same value for
/// aggregations and deduplications; less for a join, whose output can be older than its input).
///
/// Each operator drops rows at or before its input watermark of the previous batch (late
/// events) and finalises state at or before its input watermark of this batch (eviction).
/// Children without a watermark are left out of the minimum; an operator none reaches gets 0.
enum WatermarkPropagation {
    /// Each stateful operator's context for the batch, by operator id.
    static func contexts(_ root: any PhysicalNode, _ batch: StatefulContext) -> [Int: StatefulContext] {
        let late = batch.watermarkForLateEvents.map { inputWatermarks(root, global: $0) }
        let eviction = batch.watermarkForEviction.map { inputWatermarks(root, global: $0) }
        var out: [Int: StatefulContext] = [:]
        for node in root.subtree {
            guard let op = node as? any StatefulPlanNode else { continue }
            out[op.operatorId] = StatefulContext(
                batchId: batch.batchId, watermarkForLateEvents: late.map { $0[op.operatorId] ?? 0 },
                watermarkForEviction: eviction.map { $0[op.operatorId] ?? 0 })
        }
        return out
    }

    /// Each stateful operator's input watermark (µs) when the global watermark is `global`.
    static func inputWatermarks(_ root: any PhysicalNode, global: Int64) -> [Int: Int64] {
        var inputs: [Int: Int64] = [:]
        _ = output(root, global: global, inputs: &inputs)
        return inputs
    }

    /// The watermark `node` emits, or nil when no watermark reaches it.
    private static func output(_ node: any PhysicalNode, global: Int64, inputs: inout [Int: Int64]) -> Int64? {
        let fromChildren = node.children.compactMap { output($0, global: global, inputs: &inputs) }.min()
        if node is WatermarkNode { return global }
        guard let op = node as? any StatefulPlanNode else { return fromChildren }
        guard let input = fromChildren else { return nil }
        inputs[op.operatorId] = input
        // Spark clamps an operator's input watermark at 0; an output below it stays there too.
        return op.outputWatermark(input: input).map { max($0, 0) }
    }
}
