import Foundation
import Testing

@testable import Streaming

/// Backfill: replaying a day replaces exactly that day's partition, idempotently.
@Suite struct ReplayTests {
    func events(_ dir: TempDir) throws -> DataStream {
        for f in 0..<4 where !FileSystem.exists(dir.sub("in", "f\(f).jsonl")) {
            try writeDayEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10))
        }
        return try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
    }

    /// Errors per user per minute, dated by window start. The events are dated 2026-11-25 to 27
    /// whenever the test runs, so none is set aside as too far ahead of the clock.
    func perMinute(_ dir: TempDir) throws -> DataStream {
        try events(dir)
            .withWatermark("ts", delay: .minutes(1), maxAheadOfProcessingTime: nil)
            .groupBy(window(col("ts"), .minutes(1)), col("user"))
            .agg(count().as("n"), sum(col("amount")).as("total"))
            .withColumn("date", toDate(col("window_start")))
    }

    func rows(_ table: String, day: String) throws -> [[Value]] {
        let d = Value.date(Dates.parse(day)!)
        let b = try DeltaTable(path: table).snapshot().read(where: col("date") == lit(d)).batch
        return b.rows.sorted { Value.compareRows($0, $1) < 0 }
    }

    let day25 = Timestamps.make(year: 2026, month: 11, day: 25)
    let day26 = Timestamps.make(year: 2026, month: 11, day: 26)

    @Test func replayingADayTwiceEqualsAFreshRunAndLeavesOtherDaysAlone() throws {
        let dir = TempDir()
        let table = dir.sub("t")
        // A later day's event moves the watermark past the 26th, so the live run writes that day too.
        _ = try events(dir)
        try DurableFile.writeNew(dir.sub("in", "f9.jsonl"), Array(#"{"id":99,"user":"u9","amount":1.0,"ts":"2026-11-27T10:05:00Z"}"#.utf8))
        // The live stream: windows still open at the end are not in the table yet.
        try perMinute(dir).writeStream.format(.delta(table, partitionBy: ["date"])).outputMode(.append)
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        let before = try DeltaTable(path: table).snapshot()
        let day26Files = before.addFiles.filter { $0.partitionValues["date"] == "2026-11-26" }.map(\.path)
        let day26Rows = try rows(table, day: "2026-11-26")
        #expect(!day26Files.isEmpty && !day26Rows.isEmpty)

        let writer = try perMinute(dir).writeStream.format(.delta(table, partitionBy: ["date"])).outputMode(.append).queryName("backfill")
        let first = try writer.replay(from: day25, to: day26)
        let afterOnce = try rows(table, day: "2026-11-25")
        let second = try writer.replay(from: day25, to: day26)
        #expect(first.inputRows == 20 && second.inputRows == 20)
        #expect(second.filesRemoved == first.filesAdded)
        #expect(try rows(table, day: "2026-11-25") == afterOnce)
        // The 25th holds the even ids 0…38, all in the 10:00 window: a count and sum per user.
        var expected: [Value: [Value]] = [:]
        for user in 0..<3 {
            let ids = stride(from: 0, to: 40, by: 2).filter { $0 % 3 == user }
            expected[.string("u\(user)")] = [.int64(Int64(ids.count)), .double(ids.reduce(0.0) { $0 + Double($1) * 1.5 })]
        }
        #expect(Dictionary(uniqueKeysWithValues: afterOnce.map { ($0[2], [$0[3], $0[4]]) }) == expected)

        // A fresh run of the same replay into an empty table gives the same day.
        let fresh = try perMinute(dir).writeStream.format(.delta(dir.sub("fresh"), partitionBy: ["date"])).outputMode(.append)
            .replay(from: day25, to: day26)
        #expect(fresh.outputRows == afterOnce.count)
        #expect(try rows(dir.sub("fresh"), day: "2026-11-25") == afterOnce)

        // The other day: same files, same rows.
        let after = try DeltaTable(path: table).snapshot()
        #expect(after.addFiles.filter { $0.partitionValues["date"] == "2026-11-26" }.map(\.path) == day26Files)
        #expect(try rows(table, day: "2026-11-26") == day26Rows)
        // Each replay is one commit with its own app id.
        let history = try DeltaTable(path: table).history(limit: 2)
        #expect(history.allSatisfy { $0.commitInfo?.operation == "WRITE" && $0.transactions.first?.appId == "sluice-replay:backfill" })
        #expect(after.version == before.version + 2)
    }

    @Test func replayOfAStatelessQueryReproducesTheStreamedDay() throws {
        let dir = TempDir()
        let table = dir.sub("t")
        func q() throws -> DataStream { try events(dir).filter(col("amount") > 3.0).withColumn("date", toDate(col("ts"))) }
        try q().writeStream.format(.delta(table, partitionBy: ["date"])).checkpointLocation(dir.sub("cp"))
            .trigger(.availableNow).start().awaitTermination()
        let streamed = try rows(table, day: "2026-11-25")
        _ = try q().writeStream.format(.delta(table, partitionBy: ["date"])).replay(from: day25, to: day26, eventTime: "ts")
        #expect(try rows(table, day: "2026-11-25") == streamed)
        #expect(try rows(table, day: "2026-11-26").count == (0..<40).filter { $0 % 2 == 1 && Double($0) * 1.5 > 3.0 }.count)
    }

    @Test func rangeMustBeWholeDaysAndSinkDelta() throws {
        let dir = TempDir()
        let w = try events(dir).withColumn("date", toDate(col("ts"))).writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"]))
        #expect(throws: QueryError.self) { try w.replay(from: day25 + 1, to: day26, eventTime: "ts") }
        let mem = try events(dir).writeStream.format(.memory("x-\(UUID())"))
        #expect(throws: QueryError.self) { try mem.replay(from: day25, to: day26, eventTime: "ts") }
    }
}

/// A replay runs its query through the streaming planner, whose rules decide how its final
/// batch emits: an aggregation not keyed by the event time cannot emit in append mode.
@Suite struct ReplayPlanModeTests {
    @Test func anUpdateModeAggregationNotKeyedByEventTimeReplaysEveryGroup() throws {
        let dir = TempDir()
        let input = DayFiles(root: dir.sub("in"))
        try input.writeAll()
        let table = dir.sub("t")
        let perDayAndUser = try input.stream().withColumn("date", toDate(col("ts"))).groupBy(col("date"), col("user")).agg(count().as("n"))
        let writer = perDayAndUser.writeStream.format(.delta(table, partitionBy: ["date"], mergeKeys: ["date", "user"])).outputMode(.update)
        try writer.checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        let day = DayFiles.firstDay + 1
        let before = try rowsByDay(table)[DayFiles.dayName(day)]
        // 6 files of 12 rows a day, users u0, u1, u2 in turn: 24 rows each.
        #expect(before?.map { $0.last } == [.int64(24), .int64(24), .int64(24)])

        let result = try writer.replay(from: DayFiles.dayStart(day), to: DayFiles.dayStart(day + 1), eventTime: "ts")
        #expect(result.outputRows == 3)
        #expect(try rowsByDay(table)[DayFiles.dayName(day)] == before)
    }
}
