import Foundation
import Testing

@testable import Streaming

/// `WatermarkPropagation` after Spark's `PropagateWatermarkSimulator`: an operator's input
/// watermark is the minimum of what its children emit, so an operator whose output can be older
/// than its input (a join) holds back every operator above it.
@Suite struct WatermarkPropagationTests {
    /// A stateful node whose output watermark lags its input, as a time-interval join's does.
    struct LaggingNode: StatefulPlanNode {
        let child: any PhysicalNode
        let operatorId: Int
        let lag: Int64
        let statefulOperator: any StatefulOperator
        var schema: Schema { child.schema }
        var children: [any PhysicalNode] { [child] }
        var label: String { "lagging #\(operatorId)" }
        func execute(_ batch: BatchInput) throws -> NodeOutput { try child.execute(batch) }
        func outputWatermark(input: Int64) -> Int64? { input - lag }
    }

    final class NoOperator: StatefulOperator, @unchecked Sendable {
        let outputSchema = Schema([Field("ts", .timestamp)])
        func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
            Issue.record("propagation runs no operator")
            throw CancellationError()
        }
        func commit() throws {}
        var reactsToWatermark: Bool { false }
    }

    @Test func eachOperatorGetsTheMinimumOfItsChildrensOutputWatermarks() throws {
        let schema = Schema([Field("ts", .timestamp)])
        let left = WatermarkNode(child: SourceScanNode(sourceIndex: 0, schema: schema, sourceDescription: "a"), id: 0, column: "ts", delayMs: 0, maxAhead: nil)
        let right = WatermarkNode(child: SourceScanNode(sourceIndex: 1, schema: schema, sourceDescription: "b"), id: 1, column: "ts", delayMs: 0, maxAhead: nil)
        let op = NoOperator()
        let join = LaggingNode(child: UnionNode(children: [left, right], schema: schema), operatorId: 0, lag: 40_000_000, statefulOperator: op)
        let aggregation = LaggingNode(child: join, operatorId: 1, lag: 0, statefulOperator: op)
        // A union of the aggregation with an input that reads the global watermark directly.
        let side = WatermarkNode(child: SourceScanNode(sourceIndex: 2, schema: schema, sourceDescription: "c"), id: 2, column: "ts", delayMs: 0, maxAhead: nil)
        let top = LaggingNode(child: UnionNode(children: [aggregation, side], schema: schema), operatorId: 2, lag: 0, statefulOperator: op)

        let inputs = WatermarkPropagation.inputWatermarks(top, global: 100_000_000)
        #expect(inputs == [0: 100_000_000, 1: 60_000_000, 2: 60_000_000])

        let contexts = WatermarkPropagation.contexts(
            top, StatefulContext(batchId: 3, watermarkForLateEvents: 50_000_000, watermarkForEviction: 100_000_000))
        #expect(contexts[1]?.watermarkForLateEvents == 10_000_000)
        #expect(contexts[1]?.watermarkForEviction == 60_000_000)
        // Spark clamps at 0: an output watermark below it reads as 0.
        let early = WatermarkPropagation.contexts(top, StatefulContext(batchId: 0, watermarkForLateEvents: 0, watermarkForEviction: 0))
        #expect(early[2]?.watermarkForLateEvents == 0 && early[2]?.watermarkForEviction == 0)
    }
}
