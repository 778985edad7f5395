import Foundation
import Testing

@testable import Streaming

@Suite struct SessionTimeZoneTests {
    /// Events at 2026-11-25T10:00:xxZ: 19:00 in Tokyo, 05:00 in New York, both on the 25th;
    /// 2026-11-25T23:30Z is the 26th in Tokyo. `toDate` without a zone uses the session's.
    @Test func toDateAndDateFormatUseTheSessionTimeZone() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let lines = [#"{"id":1,"ts":"2026-11-25T10:00:00Z"}"#, #"{"id":2,"ts":"2026-11-25T23:30:00Z"}"#]
        try DurableFile.writeNew(dir.sub("in", "a.jsonl"), Array((lines.joined(separator: "\n") + "\n").utf8))
        let sink = MemorySink(name: "tz-\(UUID())")
        let q = try StreamingSession(timeZone: "Asia/Tokyo").readStream
            .schema(Schema([Field("id", .int64), Field("ts", .timestamp)])).load(dir.sub("in"))
            .withColumn("date", toDate(col("ts")))
            .withColumn("utcDate", toDate(col("ts"), timeZone: "UTC"))
            .select(col("id"), col("date"), col("utcDate"), dateFormat(col("ts"), "HH:mm").as("local"))
            .filter(col("date") >= lit(.date(Int32(Dates.days(year: 2026, month: 11, day: 25)))))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        let d25 = Value.date(Int32(Dates.days(year: 2026, month: 11, day: 25)))
        let d26 = Value.date(Int32(Dates.days(year: 2026, month: 11, day: 26)))
        #expect(sink.rows == [[.int64(1), d25, d25, .string("19:00")], [.int64(2), d26, d25, .string("08:30")]])
    }
}
