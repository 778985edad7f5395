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
            stream.plan, sourceSchemas: [eventSchema], sourceDescriptions: ["events"], outputMode: .update,
            state: .init(checkpointRoot: dir.sub(name), partitions: 1))
    }

    private func rows(_ ids: Range<Int>) throws -> RecordBatch {
        try RecordBatch.fromRows(
            ids.map { i in [.int64(Int64(i)), .string("u\(i % 3)"), .double(Double(i % 5)), .timestamp(Int64(i) * 1_700_000)] }, schema: eventSchema)
    }

    private func input(_ parts: [RecordBatch]) -> BatchInput {
        BatchInput(
            sources: [parts], stateful: StatefulContext(batchId: 0, watermarkForLateEvents: nil, watermarkForEviction: nil),
            batchTimestampMicros: Int64.max / 2)
    }

    @Test func partsGiveTheRowsAndStatisticsOfTheWholeBatch() throws {
        let dir = TempDir()
        let parts = [try rows(0..<7), try rows(7..<8), try rows(8..<8), try rows(8..<40)]

        let a = try plan(dir, "a").execute(input(parts))
        let b = try plan(dir, "b").execute(input([try RecordBatch.concat(parts, schema: eventSchema)]))

        #expect(a.rows.rows == b.rows.rows)
        #expect(a.rows.rowCount > 0)
        #expect(a.eventTime == b.eventTime)
        #expect(a.eventTime[0].count == 16)  // amount = i % 5 > 2 keeps 2 rows in 5
        #expect(a.operatorMetrics == b.operatorMetrics)

        let none = try plan(dir, "c").execute(input([]))
        #expect(none.rows.rowCount == 0)
        #expect(none.eventTime[0].count == 0)
    }

    /// Statistics and metrics come back with each run; nothing accumulates in the plan's nodes.
    @Test func eachRunReturnsItsOwnStatisticsAndMetrics() throws {
        let dir = TempDir()
        let plan = try plan(dir, "a")
        let first = try plan.execute(input([try rows(0..<40)]))
        let again = try plan.execute(input([try rows(0..<40)]))
        #expect(again.eventTime == first.eventTime)
        #expect(again.operatorMetrics == first.operatorMetrics)
        let other = try plan.execute(input([try rows(0..<10)]))
        #expect(other.eventTime[0].count == 4)
        #expect(other.eventTime[0].max == 9 * 1_700_000)  // ids 3, 4, 8, 9 pass the filter
    }

    @Test func thePlanIsATreeWithOneNodePerOperator() throws {
        let dir = TempDir()
        let plan = try plan(dir, "a")
        let labels = plan.description.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(labels.count == 4)
        #expect(labels[0].hasPrefix("StreamingAggregation #0 groupBy(window(ts), user)"))
        #expect(labels[1].hasPrefix("Watermark #0 ts"))
        #expect(labels[2].hasPrefix("filter("))
        #expect(labels[3].hasPrefix("SourceScan #0 events"))
        #expect(plan.statefulOperators.count == 1 && plan.watermarks.map(\.delayMs) == [5000])
    }

    @Test func manySmallPartsAreJoinedIntoAboutOnePerCore() throws {
        let parts = try (0..<50).map { try rows($0 * 2..<$0 * 2 + 2) }
        let groups = try PartPipeline.coalesce(parts, into: 2)
        #expect(groups.count == 2)
        #expect(groups.flatMap(\.rows) == parts.flatMap(\.rows))
        #expect(try PartPipeline.coalesce(Array(parts.prefix(2)), into: 2).count == 2)
    }
}
