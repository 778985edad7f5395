import Foundation
import SQLTestSupport
import SluicePostgres
import Streaming
import Testing
import YSBWorkload

extension PostgresTests {
    /// Whole queries into PostgreSQL, read back the way a dashboard or an outside check would.
    @Suite struct Queries {
        @Test func aDashboardReadsATimeRangeOfTheWindowedCounts() throws {
            let server = try currentServer()
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            // Two services, one event every second for 80 s; "api" also errs every 4 s.
            try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
            for part in 0..<4 {
                var text = ""
                for s in (part * 20)..<(part * 20 + 20) {
                    let ts = Timestamps.format(t0 + Int64(s) * 1_000_000)
                    text += #"{"ts":"\#(ts)","service":"web"}"# + "\n"
                    if s % 4 == 0 { text += #"{"ts":"\#(ts)","service":"api"}"# + "\n" }
                }
                try text.write(toFile: dir + "/in/part-\(part).jsonl", atomically: true, encoding: .utf8)
            }
            let table = uniqueTable("events_per_10s")
            let query = try StreamingSession().readStream.format(.jsonLines)
                .schema(Schema([Field("ts", .timestamp), Field("service", .string)]))
                .option(.maxFilesPerTrigger(1))
                .load(dir + "/in")
                .withWatermark("ts", delay: .seconds(5))
                .groupBy(window(col("ts"), .seconds(10)), col("service"))
                .agg(count().as("events"))
                .writeStream
                .format(.postgres(url: server.url(), table: table, keys: ["window_start", "service"]))
                .outputMode(.update)
                .checkpointLocation(dir + "/checkpoint")
                .trigger(.availableNow)
                .start()
            try query.awaitTermination()

            // The series a dashboard panel would plot: events per window in [10:00:20, 10:01:00).
            #expect(try server.psql("""
                SELECT to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI:SS'), sum(events) FROM "\(table)"
                WHERE window_start >= '2026-11-25 10:00:20+00' AND window_start < '2026-11-25 10:01:00+00'
                GROUP BY window_start ORDER BY window_start
                """) == ["10:00:20|13", "10:00:30|12", "10:00:40|13", "10:00:50|12"])
            #expect(try server.psql(#"SELECT events FROM "\#(table)" WHERE service = 'api' AND window_start = '2026-11-25 10:00:00+00'"#) == ["3"])
        }

        @Test func ysbCommandWritesItsWindowsToAPostgresTable() throws {
            let server = try currentServer()
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try writeYSBInput(dir)
            let table = uniqueTable("ysb")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: BuiltProducts.path("sluice-ysb"))
            p.arguments = ["--events", dir + "/events", "--campaigns", dir + "/campaigns.jsonl", "--checkpoint", dir + "/checkpoint",
                           "--max-files-per-trigger", "1", "--table", server.url(parameters: "table=\(table)")]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(output)")

            #expect(try server.psql("""
                SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '\(table)' ORDER BY ordinal_position
                """) == ["campaign_id|text", "window_start|timestamp with time zone", "window_end|timestamp with time zone", "count|bigint"])
            // The same query into memory gives the same rows.
            let memory = "ysb-\(UUID().uuidString)"
            let query = try YSBQuery.build(session: StreamingSession(), events: dir + "/events", campaigns: dir + "/campaigns.jsonl", maxFilesPerTrigger: 1)
                .writeStream.format(.memory(memory)).outputMode(.append).trigger(.availableNow).start()
            try query.awaitTermination()
            let expected = try #require(MemoryTables.sink(memory)).rows.map { r -> String in
                guard case .string(let c) = r[0], case .timestamp(let s) = r[1], case .timestamp(let e) = r[2], case .int64(let n) = r[3] else { return "?" }
                return "\(c)|\(s)|\(e)|\(n)"
            }.sorted()
            #expect(!expected.isEmpty)
            let written = try server.psql("""
                SELECT campaign_id, (extract(epoch FROM window_start) * 1000000)::bigint, (extract(epoch FROM window_end) * 1000000)::bigint, count
                FROM "\(table)"
                """).sorted()
            #expect(written == expected)
        }

        /// Three campaigns of two ads each; 3 files of 60 events, one every 0.5 s, every third a view.
        private func writeYSBInput(_ dir: String) throws {
            try FileManager.default.createDirectory(atPath: dir + "/events", withIntermediateDirectories: true)
            var campaigns = ""
            for ad in 0..<6 { campaigns += #"{"ad_id":"ad-\#(ad)","campaign_id":"campaign-\#(ad / 2)"}"# + "\n" }
            try campaigns.write(toFile: dir + "/campaigns.jsonl", atomically: true, encoding: .utf8)
            let types = ["view", "click", "purchase"]
            for f in 0..<3 {
                var text = ""
                for i in (f * 60)..<(f * 60 + 60) {
                    let ts = Timestamps.format(t0 + Int64(i) * 500_000)
                    text += #"{"user_id":"u\#(i % 7)","page_id":"p1","ad_id":"ad-\#(i % 6)","ad_type":"banner","event_type":"\#(types[i % 3 == 0 ? 0 : (i % 2) + 1])","event_time":"\#(ts)","ip_address":"1.2.3.4"}"# + "\n"
                }
                try text.write(toFile: dir + "/events/events-\(f).jsonl", atomically: true, encoding: .utf8)
            }
        }
    }
}
