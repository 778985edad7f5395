import Columnar
import Foundation
import Testing

@testable import Delta
@testable import Formats
@testable import Sinks

/// Service logs: one row every 7 minutes for 3 customers x 3 services, dated by UTC day.
private let serviceLogSchema = Schema([
    Field("ts", .timestamp), Field("customer", .string), Field("service", .string), Field("level", .string),
    Field("message", .string), Field("date", .date),
])

private func serviceLogs(from start: Int64, hours: Int) -> RecordBatch {
    var rows: [[Value]] = []
    let step = 7 * Timestamps.microsPerMinute
    var t = start
    var i = 0
    while t < start + Int64(hours) * Timestamps.microsPerHour {
        for c in 0..<3 {
            for s in 0..<3 {
                i += 1
                let ts = t + Int64(c * 3 + s) * 1_000_000
                rows.append([
                    .timestamp(ts), .string("cust-\(c)"), .string("svc-\(s)"), .string(i % 5 == 0 ? "ERROR" : "INFO"),
                    i % 11 == 0 ? .null : .string("request \(i) took \(i % 97) ms"),
                    .date(Int32(Timestamps.floorDiv(ts, Timestamps.microsPerDay))),
                ])
            }
        }
        t += step
    }
    return try! RecordBatch.fromRows(rows, schema: serviceLogSchema)
}

/// Writes `batch` through a Delta sink in pieces of `piece` rows (one commit each).
private func writeInBatches(_ batch: RecordBatch, to path: String, piece: Int, layout: DeltaLayout? = nil, query: String = "logs-q") throws -> DeltaSink {
    let sink = DeltaSink(path: path, partitionBy: ["date"], layout: layout)
    try sink.open(SinkContext(queryId: query, queryName: nil, outputMode: .append, schema: serviceLogSchema))
    var start = 0, id: Int64 = 0
    while start < batch.rowCount {
        try sink.addBatch(id, batch.slice(start..<min(batch.rowCount, start + piece)))
        start += piece
        id += 1
    }
    return sink
}

private func dumpAll(_ table: String, _ conditions: [(column: String, value: String)], _ from: String, _ to: String, _ zone: String) throws
    -> (rows: [[Value]], stats: DeltaRangeScanStatistics, batches: [RecordBatch])
{
    var dump = try DeltaLogDump(table: DeltaTable(path: table), where: conditions, from: from, to: to, timeZone: zone)
    var batches: [RecordBatch] = []
    while let b = try dump.next() { batches.append(b) }
    let all = try RecordBatch.concat(batches, schema: dump.schema)
    return (all.rows, dump.statistics, batches)
}

/// The rows of `source` with ts in [from, to) and the given customer and service: what a dump must print.
private func plainFilter(_ source: RecordBatch, customer: String, service: String, from: Int64, to: Int64) -> [[Value]] {
    source.rows.filter { r in
        guard case .timestamp(let t) = r[0] else { return false }
        return t >= from && t < to && r[1] == .string(customer) && r[2] == .string(service)
    }
}

private func canonical(_ rows: [[Value]]) -> [[Value]] {
    rows.sorted { a, b in
        for (x, y) in zip(a, b) where x != y { return Value.compare(x, y) < 0 }
        return false
    }
}

private struct RangeCase {
    let from: String, to: String, zone: String
    /// The same bounds in UTC, worked out by hand from the zone's published rules.
    let utcFrom: Int64, utcTo: Int64
}

private let fallBack = Timestamps.make(year: 2026, month: 10, day: 30)
private let cases = [
    // New York, across local midnight and the fall-back change (01:00-02:00 happens twice): EDT then EST.
    RangeCase(from: "2026-10-31 22:00", to: "2026-11-01 03:00", zone: "America/New_York",
        utcFrom: Timestamps.make(year: 2026, month: 11, day: 1, hour: 2), utcTo: Timestamps.make(year: 2026, month: 11, day: 1, hour: 8)),
    // Tokyo (+09:00): a local morning that starts on the previous UTC day.
    RangeCase(from: "2026-11-02 06:00", to: "2026-11-02 12:00:30", zone: "Asia/Tokyo",
        utcFrom: Timestamps.make(year: 2026, month: 11, day: 1, hour: 21), utcTo: Timestamps.make(year: 2026, month: 11, day: 2, hour: 3, second: 30)),
    // The overlap itself: 01:30 is the first (EDT) 01:30.
    RangeCase(from: "2026-11-01 01:30", to: "2026-11-01 02:00", zone: "America/New_York",
        utcFrom: Timestamps.make(year: 2026, month: 11, day: 1, hour: 5, minute: 30), utcTo: Timestamps.make(year: 2026, month: 11, day: 1, hour: 7)),
    // Paris in winter (+01:00), a whole local day.
    RangeCase(from: "2026-11-02 00:00", to: "2026-11-03 00:00", zone: "Europe/Paris",
        utcFrom: Timestamps.make(year: 2026, month: 11, day: 1, hour: 23), utcTo: Timestamps.make(year: 2026, month: 11, day: 2, hour: 23)),
]

@Suite struct DeltaLogDumpTests {
    @Test func logDumpEqualsAPlainFilterAcrossDayBoundariesAndDSTChanges() throws {
        let dir = DeltaTempDir("logs")
        let source = serviceLogs(from: fallBack, hours: 96)
        _ = try writeInBatches(source, to: dir.sub("t"), piece: 300)
        for c in cases {
            let got = try dumpAll(dir.sub("t"), [("customer", "cust-1"), ("service", "svc-2")], c.from, c.to, c.zone)
            let want = plainFilter(source, customer: "cust-1", service: "svc-2", from: c.utcFrom, to: c.utcTo)
            #expect(!want.isEmpty)
            #expect(canonical(got.rows) == canonical(want), "range \(c.from) - \(c.to) \(c.zone)")
            // Each batch comes out in time order.
            for b in got.batches {
                let ts = try b.column("ts").int64Values
                #expect(ts == ts.sorted())
            }
            // The date partitions are proven derived from ts: days far outside the range are pruned.
            #expect(got.stats.filesPrunedByPartition > 0)
            #expect(got.stats.bytesRead < got.stats.tableBytes)
        }
    }

    @Test func springForwardGapTimesMoveForward() throws {
        let dir = DeltaTempDir("logs")
        let source = serviceLogs(from: Timestamps.make(year: 2026, month: 3, day: 7), hours: 48)
        _ = try writeInBatches(source, to: dir.sub("t"), piece: 500)
        // 02:30 does not exist in New York on 2026-03-08: it means 03:30 EDT = 07:30Z.
        let got = try dumpAll(dir.sub("t"), [("customer", "cust-0")], "2026-03-08 00:00", "2026-03-08 02:30", "America/New_York")
        let want = source.rows.filter { r in
            guard case .timestamp(let t) = r[0] else { return false }
            return r[1] == .string("cust-0") && t >= Timestamps.make(year: 2026, month: 3, day: 8, hour: 5)
                && t < Timestamps.make(year: 2026, month: 3, day: 8, hour: 7, minute: 30)
        }
        #expect(canonical(got.rows) == canonical(want))
    }

    @Test func logDumpStaysExactAfterOptimizeReplayAndVacuum() throws {
        let dir = DeltaTempDir("logs")
        let path = dir.sub("t")
        let source = serviceLogs(from: fallBack, hours: 96)
        _ = try writeInBatches(source, to: path, piece: 250)
        let table = DeltaTable(path: path)
        func check(_ label: String) throws {
            for c in cases {
                let got = try dumpAll(path, [("customer", "cust-2"), ("service", "svc-0")], c.from, c.to, c.zone)
                let want = plainFilter(source, customer: "cust-2", service: "svc-0", from: c.utcFrom, to: c.utcTo)
                #expect(canonical(got.rows) == canonical(want), "\(label): \(c.from) - \(c.to) \(c.zone)")
            }
        }
        try check("as written")

        let optimized = try table.optimize(layout: DeltaLayout(clustering: .zOrder(["customer", "service", "ts"]), rowGroupRows: 40))
        #expect(optimized.filesRemoved > optimized.filesAdded)
        try check("after optimize")
        // Clustered row groups let statistics skip inside the files.
        let clustered = try dumpAll(path, [("customer", "cust-2"), ("service", "svc-0")], cases[0].from, cases[0].to, cases[0].zone)
        #expect(clustered.stats.rowGroupsSkippedByStats > 0)
        #expect(try table.optimize(layout: DeltaLayout(clustering: .zOrder(["customer", "service", "ts"]), rowGroupRows: 40)).version == nil)

        // A replay of 2026-11-01: the day's files are replaced by new ones holding the same rows.
        let day = Dates.format(Int32(Dates.days(year: 2026, month: 11, day: 1)))
        let dayRows = source.filter(try (col("date") == lit(.date(Int32(Dates.days(year: 2026, month: 11, day: 1))))).evaluateMask(source))
        let replaced = try table.replacePartitions(with: dayRows, partitionBy: ["date"], where: { $0["date"] == day }, predicate: "date = \(day)")
        #expect(replaced.filesRemoved > 0)
        try check("after replay")

        // The trap a glob over the directories falls into: removed files are still on disk.
        var rowsOnDisk = 0
        let onDisk = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
        for f in onDisk where f.hasSuffix(".parquet") && !f.hasPrefix("_delta_log") {
            rowsOnDisk += try ParquetFile(path: FilePaths.join(path, f)).rowCount
        }
        #expect(rowsOnDisk > source.rowCount)

        let vacuumed = try table.vacuum(retentionMillis: 0, force: true)
        #expect(!vacuumed.deletedFiles.isEmpty)
        try check("after vacuum")
    }

    @Test func autoCompactionBringsStreamingWritesToTheClusteredLayout() throws {
        let dir = DeltaTempDir("logs")
        let path = dir.sub("t")
        let source = serviceLogs(from: fallBack, hours: 48)
        let layout = DeltaLayout(clustering: .sort(["customer", "service", "ts"]), targetFileSize: 1 << 20, rowGroupRows: 64, minFiles: 4)
        let sink = try writeInBatches(source, to: path, piece: 100, layout: layout)
        let compaction = try #require(sink.autoCompaction)
        #expect(compaction.commits > 0)
        #expect(compaction.failures == 0)
        let snap = try DeltaTable(path: path).snapshot()
        // Every partition holds fewer than minFiles files not yet in the layout.
        var fresh: [String: Int] = [:]
        for f in snap.addFiles where f.tags?[DeltaClustering.tagKey] != "sort:customer,service,ts" {
            fresh[f.partitionValues["date"]! ?? "null", default: 0] += 1
        }
        #expect(fresh.values.allSatisfy { $0 < 4 })
        #expect(snap.addFiles.contains { $0.tags?[DeltaClustering.tagKey] == "sort:customer,service,ts" })
        // Compaction commits change no data, so streaming readers skip them.
        var optimizeCommits = 0
        for v in 0...snap.version {
            let actions = try #require(try DeltaTable(path: path).commitActions(version: v))
            let isOptimize = actions.contains { if case .commitInfo(let c) = $0 { return c.operation == "OPTIMIZE" } else { return false } }
            guard isOptimize else { continue }
            optimizeCommits += 1
            for a in actions {
                if case .add(let f) = a { #expect(!f.dataChange) }
                if case .remove(let r) = a { #expect(!r.dataChange) }
                if case .txn = a { Issue.record("a compaction must not carry the query's txn") }
            }
        }
        #expect(optimizeCommits == compaction.commits)
        // The rows are exactly the source rows, in a layout sorted by customer, service, ts within each file.
        let all = try snap.read()
        #expect(canonical(all.batch.rows) == canonical(source.rows))
        for f in snap.addFiles where f.tags?[DeltaClustering.tagKey] != nil {
            var m = DeltaScanMetrics()
            let rows = try snap.readFiles([f], columns: ["customer", "service", "ts"], metrics: &m).rows
            #expect(rows == rows.sorted { a, b in
                for (x, y) in zip(a, b) where x != y { return Value.compare(x, y) < 0 }
                return false
            })
        }
        // A re-run batch (same id) is still skipped: compaction carries no txn and moves none back.
        try sink.addBatch(0, source.slice(0..<100))
        #expect(try DeltaTable(path: path).snapshot().read().batch.rowCount == source.rowCount)
    }

    @Test func zOrderInterleavesTheColumnsRanks() throws {
        let schema = Schema([Field("x", .int64), Field("y", .string)])
        var rows: [[Value]] = []
        for x in [3, 1, 0, 2] { for y in ["d", "b", "a", "c"] { rows.append([.int64(Int64(x)), .string(y)]) } }
        let batch = try RecordBatch.fromRows(rows, schema: schema)
        let z = batch.take(try DeltaClustering.zOrder(["x", "y"]).permutation(batch)).rows
        // Morton order on a 4x4 grid: (0,a) (0,b) (1,a) (1,b) (0,c) (0,d) (1,c) (1,d) (2,a) ...
        let expected: [(Int64, String)] = [
            (0, "a"), (0, "b"), (1, "a"), (1, "b"), (0, "c"), (0, "d"), (1, "c"), (1, "d"),
            (2, "a"), (2, "b"), (3, "a"), (3, "b"), (2, "c"), (2, "d"), (3, "c"), (3, "d"),
        ]
        #expect(z == expected.map { [.int64($0.0), .string($0.1)] })
        let sorted = batch.take(try DeltaClustering.sort(["y", "x"]).permutation(batch)).rows
        #expect(sorted.map { $0[1] }.prefix(4) == [.string("a"), .string("a"), .string("a"), .string("a")])
        #expect(sorted.prefix(4).map { $0[0] } == [.int64(0), .int64(1), .int64(2), .int64(3)])
    }

    @Test func badRequestsAreRefusedWithTheReason() throws {
        let dir = DeltaTempDir("logs")
        let path = dir.sub("t")
        _ = try writeInBatches(serviceLogs(from: fallBack, hours: 2), to: path, piece: 1000)
        func refused(_ body: () throws -> Void, mentioning text: String) {
            do {
                try body()
                Issue.record("expected an error mentioning \(text)")
            } catch {
                #expect("\(error)".contains(text), "\(error)")
            }
        }
        let t = DeltaTable(path: path)
        refused({ _ = try DeltaLogDump(table: t, where: [], from: "2026-10-30 00:00", to: "2026-10-30 01:00", timeZone: "Mars/Base") }, mentioning: "Mars/Base")
        refused({ _ = try DeltaLogDump(table: t, where: [], from: "2026-10-30", to: "2026-10-30 01:00", timeZone: "UTC") }, mentioning: "2026-11-25 14:30")
        refused({ _ = try DeltaLogDump(table: t, where: [("host", "x")], from: "2026-10-30 00:00", to: "2026-10-30 01:00", timeZone: "UTC") }, mentioning: "host")
        refused({ _ = try DeltaLogDump(table: t, where: [], from: "2026-10-30 02:00", to: "2026-10-30 01:00", timeZone: "UTC") }, mentioning: "after")
        refused({ _ = try DeltaLogDump(table: t, where: [("date", "yesterday")], from: "2026-10-30 00:00", to: "2026-10-30 01:00", timeZone: "UTC") }, mentioning: "not a valid date")
        let two = Schema([Field("a", .timestamp), Field("b", .timestamp)])
        refused({ _ = try DeltaRangeScan.onlyTimestampColumn(two, table: "t") }, mentioning: "--time-column")
    }
}
