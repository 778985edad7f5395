import Foundation
import Testing

@testable import Streaming

/// The log pipeline end to end: raw JSON files streamed into a date-partitioned table whose sink
/// clusters it by itself, then a backfill of one day and a vacuum. The log dump equals a plain
/// filter of the source lines after every step.
@Suite struct LogDumpEndToEndTests {
    static let schema = Schema([Field("ts", .timestamp), Field("customer", .string), Field("service", .string), Field("message", .string)])

    /// Hourly files from 2026-10-31 00:00Z for 72 hours, a line every 4 minutes per customer and service.
    static func writeRaw(_ dir: String) throws -> [(ts: Int64, customer: String, service: String, line: String)] {
        try FileSystem.createDirectory(dir)
        var all: [(Int64, String, String, String)] = []
        let start = Timestamps.make(year: 2026, month: 10, day: 31)
        for hour in 0..<72 {
            var text = ""
            for m in stride(from: 0, to: 60, by: 4) {
                for c in ["acme", "globex"] {
                    for s in ["api", "db"] {
                        let ts = start + Int64(hour) * Timestamps.microsPerHour + Int64(m) * Timestamps.microsPerMinute + (c == "acme" ? 0 : 7_000_000)
                        let msg = "\(s) at \(hour):\(m)"
                        text += #"{"ts":"\#(Timestamps.format(ts))","customer":"\#(c)","service":"\#(s)","message":"\#(msg)"}"# + "\n"
                        all.append((ts, c, s, msg))
                    }
                }
            }
            let name = "logs-\(String(format: "%03d", hour)).jsonl"
            try DurableFile.writeNew(FilePaths.join(dir, "." + name), Array(text.utf8))
            try FileSystem.rename(FilePaths.join(dir, "." + name), FilePaths.join(dir, name))
        }
        return all
    }

    func dump(_ table: String, from: String, to: String, zone: String) throws -> [[Value]] {
        var d = try DeltaLogDump(table: DeltaTable(path: table), where: [("customer", "acme"), ("service", "api")], from: from, to: to, timeZone: zone)
        var rows: [[Value]] = []
        while let b = try d.next() { rows += b.rows }
        return rows.map { [$0[0], $0[3]] }.sorted { Value.compareRows($0, $1) < 0 }
    }

    @Test func dumpEqualsAPlainFilterAfterStreamingWithAutoCompactionAReplayAndVacuum() throws {
        let dir = TempDir()
        let source = try Self.writeRaw(dir.sub("in"))
        let table = dir.sub("t")
        func query() throws -> DataStream {
            try StreamingSession().readStream.schema(Self.schema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .withColumn("date", toDate(col("ts")))
        }
        let layout = DeltaLayout(clustering: .zOrder(["customer", "service", "ts"]), rowGroupRows: 16, minFiles: 4)
        let sink = DeltaSink(path: table, partitionBy: ["date"], configuration: [:], layout: layout)
        try query().writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(sink.autoCompaction!.commits > 0)

        // New York, 2026-10-31 22:00 EDT to 2026-11-01 03:00 EST = 02:00Z to 08:00Z: local
        // midnight, the UTC day boundary is outside, the fall-back hour twice inside.
        let ranges: [(from: String, to: String, zone: String, utc: Range<Int64>)] = [
            ("2026-10-31 22:00", "2026-11-01 03:00", "America/New_York",
             Timestamps.make(year: 2026, month: 11, day: 1, hour: 2)..<Timestamps.make(year: 2026, month: 11, day: 1, hour: 8)),
            ("2026-11-01 07:00", "2026-11-01 10:00", "Asia/Tokyo",
             Timestamps.make(year: 2026, month: 10, day: 31, hour: 22)..<Timestamps.make(year: 2026, month: 11, day: 1, hour: 1)),
        ]
        func check(_ step: String) throws {
            for r in ranges {
                let want = source.filter { r.utc.contains($0.ts) && $0.customer == "acme" && $0.service == "api" }
                    .map { [Value.timestamp($0.ts), .string($0.line)] }.sorted { Value.compareRows($0, $1) < 0 }
                #expect(!want.isEmpty)
                #expect(try dump(table, from: r.from, to: r.to, zone: r.zone) == want, "\(step): \(r.from) - \(r.to) \(r.zone)")
            }
        }
        try check("streamed")
        let replayed = try query().writeStream.format(.delta(table, partitionBy: ["date"]))
            .replay(from: Timestamps.make(year: 2026, month: 11, day: 1), to: Timestamps.make(year: 2026, month: 11, day: 2), eventTime: "ts")
        #expect(replayed.filesRemoved > 0)
        try check("after the replay of 2026-11-01")
        try DeltaTable(path: table).optimize(layout: layout)
        _ = try DeltaTable(path: table).vacuum(retentionMillis: 0, force: true)
        try check("after optimize and vacuum")
    }
}
