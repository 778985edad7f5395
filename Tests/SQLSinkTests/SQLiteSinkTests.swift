import Foundation
import SQLSinkCore
import SQLTestSupport
import SluiceSQLite
import Streaming
import Testing

/// The SQLite sink: the PostgreSQL sink's modes and exactly-once progress, on one file.
@Suite struct SQLiteSinkTests {
    /// A database file in a directory of its own, removed when `body` returns.
    private func withDatabase(_ body: (String) throws -> Void) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir + "/dash.db")
    }

    @Test func appendWritesEachBatchOnceWithEveryType() throws {
        try withDatabase { path in
            let sink = SQLiteSink(path: path, table: "readings")
            try sink.open(context("q", .append))
            try sink.addBatch(0, try everyTypeBatch([1, 2]))
            try sink.addBatch(1, try everyTypeBatch([3, 4]))
            try sink.addBatch(1, try everyTypeBatch([3, 4, 5]))
            #expect(try sqliteRows(path, "SELECT id, ts, name, score, ok, day FROM readings ORDER BY id") == [
                "1|2026-11-25 10:00:01.000001|n1-0|0.5|0|2024-10-05",
                "2|2026-11-25 10:00:02.000002|n2-0|1.0|1|2024-10-06",
                "3|2026-11-25 10:00:03.000003|n3-0|1.5|0|2024-10-07",
                "4|2026-11-25 10:00:04.000004||2.0|1|2024-10-08",
            ])
            #expect(try sink.lastAppliedBatchId(queryId: "q") == 1)
            #expect(try SQLiteSink(path: path, table: "readings").lastAppliedBatchId(queryId: "other") == nil)
            try withDatabase { other in
                let fresh = try SQLiteSink(path: other, table: "t").lastAppliedBatchId(queryId: "q")
                #expect(fresh == nil)
            }
        }
    }

    @Test func updateUpsertsOnTheKeysAndSkipsReplays() throws {
        try withDatabase { path in
            let sink = SQLiteSink(path: path, table: "latest", keys: ["id"])
            try sink.open(context("q", .update))
            try sink.addBatch(0, try everyTypeBatch([1, 2, 3]))
            try sink.addBatch(1, try everyTypeBatch([2, 5], salt: 10))
            try sink.addBatch(0, try everyTypeBatch([1, 2, 3], salt: 99))
            let twice = try RecordBatch.concat([try everyTypeBatch([3], salt: 20), try everyTypeBatch([3], salt: 30)], schema: everyType)
            try sink.addBatch(2, twice)
            #expect(try sqliteRows(path, "SELECT id, name, score FROM latest ORDER BY id") == ["1|n1-0|0.5", "2|n2-10|11.0", "3|n3-30|31.5", "5|n5-10|12.5"])
            #expect(try sqliteRows(path, "SELECT name, pk FROM pragma_table_info('latest') ORDER BY cid")
                == ["id|1", "ts|0", "name|0", "score|0", "ok|0", "day|0"])
        }
    }

    @Test func completeReplacesTheTable() throws {
        try withDatabase { path in
            let sink = SQLiteSink(path: path, table: "totals")
            try sink.open(context("q", .complete))
            try sink.addBatch(0, try everyTypeBatch([1, 2, 3]))
            try sink.addBatch(1, try everyTypeBatch([8]))
            try sink.addBatch(1, try everyTypeBatch([9]))
            #expect(try sqliteRows(path, "SELECT id FROM totals") == ["8"])
        }
    }

    @Test func anExistingTableOfOtherTypesIsAClearError() throws {
        try withDatabase { path in
            let setup = SQLiteSink(path: path, table: "other")
            try setup.open(context("q", .append, Schema([Field("id", .string), Field("ts", .timestamp)])))
            do {
                try SQLiteSink(path: path, table: "other").open(context("q", .append))
                Issue.record("a mismatched table was accepted")
            } catch let SQLSinkError.schemaMismatch(table, problems) {
                #expect(table == "other")
                #expect(problems == [
                    "column 'id' is TEXT, the query writes int64 (INTEGER)", "column 'name' (TEXT) is missing",
                    "column 'score' (REAL) is missing", "column 'ok' (BOOLEAN) is missing", "column 'day' (DATE) is missing",
                ])
            }
            #expect(throws: SQLSinkError.self) {
                try SQLiteSink(path: path, table: "other", keys: ["id"]).open(context("q", .update, Schema([Field("id", .string), Field("ts", .timestamp)])))
            }
        }
    }

    @Test func aDashboardReadsATimeRangeWithSQLiteDateFunctions() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeSensorFiles(dir + "/in", files: 3, rowsPerFile: 30)
        let path = dir + "/dash.db"
        let query = try StreamingSession().readStream.format(.jsonLines)
            .schema(Schema([Field("id", .int64), Field("ts", .timestamp), Field("sensor", .string), Field("value", .double)]))
            .load(dir + "/in")
            .withWatermark("ts", delay: .seconds(10))
            .groupBy(window(col("ts"), .minutes(1)))
            .agg(count().as("readings"))
            .writeStream
            .format(.sqlite(path: path, table: "per_minute", keys: ["window_start"]))
            .outputMode(.update)
            .checkpointLocation(dir + "/checkpoint")
            .trigger(.availableNow)
            .start()
        try query.awaitTermination()
        // 90 readings 2 s apart from 10:00:00: 30 per minute over three minutes.
        #expect(try sqliteRows(path, """
            SELECT strftime('%H:%M', window_start), readings FROM per_minute
            WHERE window_start >= datetime('2026-11-25 10:01:00') AND window_start < datetime('2026-11-25 10:00:00', '+1 hour')
            ORDER BY window_start
            """) == ["10:01|30", "10:02|30"])
    }

    @Test(arguments: [OutputMode.append, .update])
    func killedAndRestartedQueryWritesEveryRowExactlyOnce(mode: OutputMode) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeSensorFiles(dir + "/in", files: 6, rowsPerFile: 30)
        func harness(_ run: String) -> KillHarness {
            KillHarness(
                executable: BuiltProducts.path("sluice-sql-torture"),
                arguments: ["--mode", mode.rawValue, "--input", dir + "/in", "--checkpoint", dir + "/checkpoint-" + run,
                            "--sink", "sqlite:" + dir + "/\(run).db", "--table", "t"],
                tracePath: dir + "/trace-" + run)
        }
        try harness("reference").runOnce()
        let landed = try harness("killed").run(kills: 8, seed: 0xC0FFEE)
        for phase in KillHarness.sinkPhases { #expect(landed.contains(phase), "no kill landed in \(phase): \(landed)") }
        let expected = try sqliteRows(dir + "/reference.db", "SELECT * FROM t ORDER BY 1, 2, 3")
        #expect(!expected.isEmpty)
        #expect(try sqliteRows(dir + "/killed.db", "SELECT * FROM t ORDER BY 1, 2, 3") == expected)
        #expect(try sqliteRows(dir + "/killed.db", "SELECT batch_id FROM sluice_progress")
            == sqliteRows(dir + "/reference.db", "SELECT batch_id FROM sluice_progress"))
    }

    /// A stream-stream left outer join, SIGKILLed again and again (inside the sink's steps and
    /// at random moments) and restarted: its table equals an uninterrupted run's, every left
    /// row exactly once, matched or with nulls. The join's state (both sides' buffered rows and
    /// their matched flags) is restored from the checkpoint on every restart.
    @Test func killedAndRestartedJoinWritesEveryRowExactlyOnce() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeSensorFiles(dir + "/left", files: 6, rowsPerFile: 30)
        try writeSensorFiles(dir + "/right", files: 6, rowsPerFile: 30)
        func harness(_ run: String) -> KillHarness {
            KillHarness(
                executable: BuiltProducts.path("sluice-sql-torture"),
                arguments: ["--mode", "join", "--input", dir + "/left", "--input2", dir + "/right", "--checkpoint", dir + "/checkpoint-" + run,
                            "--sink", "sqlite:" + dir + "/\(run).db", "--table", "t"],
                tracePath: dir + "/trace-" + run)
        }
        try harness("reference").runOnce()
        let landed = try harness("killed").run(kills: 8, seed: 0x501_1DE)
        for phase in KillHarness.sinkPhases { #expect(landed.contains(phase), "no kill landed in \(phase): \(landed)") }
        let expected = try sqliteRows(dir + "/reference.db", "SELECT * FROM t ORDER BY id")
        // 180 left rows; the last ones wait for a watermark the input never reaches.
        let ids = try sqliteRows(dir + "/reference.db", "SELECT id, rid IS NULL FROM t ORDER BY id")
        #expect(ids.count > 150 && ids.count < 180)
        #expect(Set(ids.map { $0.split(separator: "|")[0] }).count == ids.count)
        #expect(ids.contains { $0.hasSuffix("|1") } && ids.contains { $0.hasSuffix("|0") })
        #expect(try sqliteRows(dir + "/killed.db", "SELECT * FROM t ORDER BY id") == expected)
    }
}

