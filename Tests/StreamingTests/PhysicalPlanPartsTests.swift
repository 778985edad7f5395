import Foundation
import Testing

@testable import Streaming

/// A batch handed over in parts runs its stateless steps per part (on both cores); the result
/// and the event-time statistics must be those of the whole batch at once.
@Suite struct PhysicalPlanPartsTests {
    private func plan(_ dir: TempDir, _ name: String) throws -> PhysicalPlan {
        try FileSystem.createDirectory(dir.sub("in"))
        let stream = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .filter(col("amount") > 2.0)
            .withWatermark("ts", delay: .seconds(5))
            .groupBy(window(col("ts"), .seconds(10)), col("user")).count()
        return try QueryPlanner.physical(
            stream.plan, sourceSchemas: [eventSchema], outputMode: .update, state: .init(checkpointRoot: dir.sub(name), partitions: 1))
    }

    private func rows(_ ids: Range<Int>) throws -> RecordBatch {
        try RecordBatch.fromRows(
            ids.map { i in [.int64(Int64(i)), .string("u\(i % 3)"), .double(Double(i % 5)), .timestamp(Int64(i) * 1_700_000)] }, schema: eventSchema)
    }

    @Test func partsGiveTheRowsAndStatisticsOfTheWholeBatch() throws {
        let dir = TempDir()
        let parts = [try rows(0..<7), try rows(7..<8), try rows(8..<8), try rows(8..<40)]
        let context = StatefulContext(batchId: 0, watermarkForLateEvents: nil, watermarkForEviction: nil)

        let split = try plan(dir, "a")
        split.eventTimeCollectors[0].reset(batchTimestampMicros: Int64.max / 2)
        let a = try split.execute(parts, inputSchema: eventSchema, context: context).rows

        let whole = try plan(dir, "b")
        whole.eventTimeCollectors[0].reset(batchTimestampMicros: Int64.max / 2)
        let b = try whole.execute([try RecordBatch.concat(parts, schema: eventSchema)], inputSchema: eventSchema, context: context).rows

        #expect(a.rows == b.rows)
        #expect(a.rowCount > 0)
        let (x, y) = (split.eventTimeCollectors[0], whole.eventTimeCollectors[0])
        #expect(x.count == y.count && x.min == y.min && x.max == y.max && x.sumMillis == y.sumMillis && x.nullCount == y.nullCount)
        #expect(x.count == 16)  // amount = i % 5 > 2 keeps 2 rows in 5

        let none = try plan(dir, "c").execute([], inputSchema: eventSchema, context: context).rows
        #expect(none.rowCount == 0)
    }

    @Test func manySmallPartsAreJoinedIntoAboutOnePerCore() throws {
        let parts = try (0..<50).map { try rows($0 * 2..<$0 * 2 + 2) }
        let groups = try PhysicalPlan.coalesce(parts, into: 2)
        #expect(groups.count == 2)
        #expect(groups.flatMap(\.rows) == parts.flatMap(\.rows))
        #expect(try PhysicalPlan.coalesce(Array(parts.prefix(2)), into: 2).count == 2)
    }
}
