import Columnar
import StateTestSupport
import Formats
import Testing

@testable import Operators
@testable import State

/// `dropDuplicatesWithinWatermark` and rows whose event time is null. Spark reads the event time
/// from an unsafe row, where a null long reads as 0, so such a key expires at 0 + delay: at the
/// first watermark past the delay (StreamingDeduplicateWithinWatermarkExec.putDupInfoIntoState).
@Suite struct DeduplicationNullEventTimeTests {
    static let input = Schema([Field("key", .string), Field("ts", .timestamp)])
    static let delay: Int64 = 10_000_000

    func dedup(_ cp: TemporaryCheckpoint) throws -> StreamingDeduplication {
        try StreamingDeduplication(
            columns: ["key"], input: Self.input, eventTimeColumn: "ts", withinWatermarkDelay: Self.delay, operatorId: 0,
            stateProvider: { k, v in
                try FileStateStoreProvider(checkpointRoot: cp.path, operatorId: 0, keySchema: k, valueSchema: v, configuredPartitions: 1)
            })
    }

    /// The batch's output rows and the metrics the operator returned with them.
    func run(
        _ op: StreamingDeduplication, batch: Int64, eviction: Int64, _ rows: [[Value]]
    ) throws -> (rows: [[Value]], metrics: StatefulOperatorMetrics) {
        let out = try op.process(
            try RecordBatch.fromRows(rows, schema: Self.input),
            context: StatefulContext(batchId: batch, watermarkForLateEvents: eviction, watermarkForEviction: eviction))
        try op.commit()
        return (out.rows.rows, out.metrics)
    }

    @Test func aKeyFirstSeenWithANullEventTimeGoesAtTheFirstWatermarkPastTheDelay() throws {
        let cp = TemporaryCheckpoint()
        let op = try dedup(cp)
        let first = try run(op, batch: 0, eviction: 0, [["a", nil], ["a", nil]])
        #expect(first.rows == [["a", nil]])
        #expect(first.metrics.numRowsTotal == 1)
        // Still remembered while the watermark is below the delay.
        let second = try run(op, batch: 1, eviction: Self.delay - 1_000, [["a", nil]])
        #expect(second.rows.isEmpty)
        #expect(second.metrics.numRowsTotal == 1)
        // The watermark reaches 0 + delay: the key is evicted, so it is new again.
        let third = try run(op, batch: 2, eviction: Self.delay, [])
        #expect(third.rows.isEmpty)
        #expect(third.metrics.numRowsRemoved == 1 && third.metrics.numRowsTotal == 0)
        #expect(try run(op, batch: 3, eviction: Self.delay, [["a", nil]]).rows == [["a", nil]])
    }

    @Test func aNullEventTimeIsNotLate() throws {
        let cp = TemporaryCheckpoint()
        let op = try dedup(cp)
        // Spark's late-row predicate `ts <= watermark` is null for a null ts: the row stays.
        let out = try run(op, batch: 0, eviction: 1_000_000_000, [["b", nil]])
        #expect(out.rows == [["b", nil]])
        #expect(out.metrics.numRowsDroppedByWatermark == 0)
    }
}
