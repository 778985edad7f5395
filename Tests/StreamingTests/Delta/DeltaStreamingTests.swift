import Foundation
import Synchronization
import Testing

@testable import Streaming

/// The Delta sink and source inside queries: exactly-once across crashes, streaming reads
/// that follow the log, and batch reads with pruning.
@Suite struct DeltaStreamingTests {
    /// Events of 4 files (10 ids each) over two days, so the table has two partitions.
    func writeInput(_ dir: TempDir, files: Range<Int> = 0..<4) throws {
        for f in files where !FileSystem.exists(dir.sub("in", "f\(f).jsonl")) {
            try writeDayEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10))
        }
    }

    func query(_ dir: TempDir) throws -> DataStream {
        try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .withColumn("date", toDate(col("ts")))
    }

    func tableIds(_ path: String) throws -> [Int64] {
        let rows = try DeltaTable(path: path).snapshot().read(columns: ["id"]).batch.rows
        return rows.map { if case .int64(let x) = $0[0] { return x } else { return -1 } }.sorted()
    }

    @Test func queryOutputLandsInAPartitionedTable() throws {
        let dir = TempDir()
        try writeInput(dir)
        let q = try query(dir).writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"]))
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 3)
        #expect(snap.transactionVersion(q.id) == 3)
        #expect(Set(snap.addFiles.map { $0.partitionValues["date"]! }) == ["2026-11-25", "2026-11-26"])
        #expect(try tableIds(dir.sub("t")) == (0..<40).map(Int64.init))
        #expect(snap.schema.names == ["id", "user", "amount", "ts", "date"])
    }

    /// Every fault point of the batch protocol and of the Delta sink, each followed by a
    /// restart: the table holds every row exactly once.
    @Test(arguments: FaultPoint.allCases.map(\.rawValue) + ["afterDataFilesWritten", "afterLogCommit"])
    func crashAnywhereThenRestartLeavesEveryRowOnce(point: String) throws {
        let dir = TempDir()
        try writeInput(dir)
        let table = dir.sub("t")
        let failing = DeltaSink(path: table, partitionBy: ["date"])
        var writer = try query(dir).writeStream.format(.custom(failing)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
        if let engine = FaultPoint(rawValue: point) {
            writer = writer.faultInjection { p, b in if p == engine && b == 1 { throw InjectedFault(point: p, batchId: b) } }
        } else {
            let sinkPoint = DeltaSinkFaultPoint(rawValue: point)!
            failing.setFaultHook { p, b in if p == sinkPoint && b == 1 { throw InjectedFault(point: .afterDataRead, batchId: b) } }
        }
        let first = try writer.start()
        #expect(throws: InjectedFault.self) { try first.awaitTermination() }

        let restarted = try query(dir).writeStream.format(.delta(table, partitionBy: ["date"]))
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try restarted.awaitTermination()
        #expect(try tableIds(table) == (0..<40).map(Int64.init))
        let snap = try DeltaTable(path: table).snapshot()
        #expect(snap.transactionVersion(restarted.id) == 3)
        // Four batches, four commits: a replayed batch never commits twice.
        #expect(snap.version == 3)

        // Files of the batch that crashed before its commit are orphans; vacuum removes them
        // once past the grace it gives uncommitted files (asked as of two hours from now).
        let later = Int64(Date().timeIntervalSince1970 * 1000) + 2 * DeltaTable.uncommittedFileGraceMillis
        let orphans = try DeltaTable(path: table).vacuum(retentionMillis: 0, force: true, dryRun: true, now: later).deletedFiles
        if point == "afterDataFilesWritten" { #expect(!orphans.isEmpty) }
        let vacuumed = try DeltaTable(path: table).vacuum(retentionMillis: 0, force: true, dryRun: false, now: later)
        #expect(vacuumed.deletedFiles == orphans)
        #expect(try tableIds(table) == (0..<40).map(Int64.init))
    }

    @Test func deltaSourceStreamsNewCommitsOnly() throws {
        let dir = TempDir()
        try writeInput(dir, files: 0..<2)
        let table = dir.sub("t")
        func upstream() throws {
            try query(dir).writeStream.format(.delta(table, partitionBy: ["date"]))
                .checkpointLocation(dir.sub("cp-up")).trigger(.availableNow).start().awaitTermination()
        }
        try upstream()
        let sink = MemorySink(name: "delta-src-\(UUID())")
        func downstream() throws -> StreamingQuery {
            let q = try StreamingSession().readStream.format(.delta).option(.maxFilesPerTrigger(1)).load(table)
                .filter(col("id") % 2 == 0)
                .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp-down")).trigger(.availableNow).start()
            try q.awaitTermination()
            return q
        }
        let q1 = try downstream()
        #expect(ids(sink).sorted() == (0..<20).filter { $0 % 2 == 0 }.map(Int64.init))
        // The starting snapshot holds 4 files (2 commits x 2 days); one file per batch.
        #expect(q1.recentProgress.count == 4)

        // Compaction adds no data for the stream; new commits do.
        let optimized = try DeltaTable(path: table).optimize()
        #expect(optimized.filesRemoved == 4 && optimized.filesAdded == 2)
        try writeInput(dir, files: 2..<4)
        try upstream()
        _ = try downstream()
        #expect(ids(sink).sorted() == (0..<40).filter { $0 % 2 == 0 }.map(Int64.init))
        let again = try downstream()
        #expect(again.recentProgress.isEmpty)
    }

    @Test func batchReadPrunesPartitionsThroughTheLog() throws {
        let dir = TempDir()
        try writeInput(dir)
        try query(dir).writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"]))
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        let day = Value.date(Int32(Dates.days(year: 2026, month: 11, day: 26)))
        let t = try StreamingSession().read.format(.delta).filter(col("date") == lit(day)).load(dir.sub("t"))
        let got = t.batch.rows.map { row -> Int64 in if case .int64(let x) = row[0] { return x } else { return -1 } }.sorted()
        #expect(got == (0..<40).filter { $0 % 2 == 1 }.map(Int64.init))
        var metrics = DeltaScanMetrics()
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        let files = try snap.selectFiles(where: col("date") == lit(day), metrics: &metrics)
        #expect(files.count == 4 && metrics.filesPrunedByPartition == 4)
    }
}

/// Like `writeEvents`, but odd ids fall on 2026-11-26 and even ids on 2026-11-25.
func writeDayEvents(_ dir: String, _ name: String, ids: Range<Int>) throws {
    try FileSystem.createDirectory(dir)
    let lines = ids.map { i in
        #"{"id":\#(i),"user":"u\#(i % 3)","amount":\#(Double(i) * 1.5),"ts":"2026-11-2\#(5 + i % 2)T10:00:\#(String(format2: i % 60))Z"}"#
    }
    let tmp = FilePaths.join(dir, ".\(name).tmp")
    try DurableFile.writeNew(tmp, Array((lines.joined(separator: "\n") + "\n").utf8))
    try FileSystem.rename(tmp, FilePaths.join(dir, name))
}

/// Update mode into a Delta table: the table always holds the latest value of every group.
@Suite struct DeltaUpdateModeTests {
    @Test(arguments: [false, true])
    func aggregatesAreMergedByKeyEvenAcrossACrash(crash: Bool) throws {
        let dir = TempDir()
        for f in 0..<4 { try writeDayEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10)) }
        let table = dir.sub("t")
        func start(_ sink: DeltaSink) throws -> StreamingQuery {
            try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .groupBy(col("user"), toDate(col("ts")).as("date"))
                .agg(count().as("n"), sum(col("amount")).as("total"))
                .writeStream.format(.custom(sink)).outputMode(.update)
                .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        }
        if crash {
            let failing = DeltaSink(path: table, partitionBy: ["date"], mergeKeys: ["user", "date"])
            failing.setFaultHook { p, b in if p == .afterDataFilesWritten && b == 2 { throw InjectedFault(point: .afterDataRead, batchId: b) } }
            #expect(throws: InjectedFault.self) { try start(failing).awaitTermination() }
        }
        try start(DeltaSink(path: table, partitionBy: ["date"], mergeKeys: ["user", "date"])).awaitTermination()

        var expected: [String: (Int64, Double)] = [:]
        for i in 0..<40 {
            let k = "u\(i % 3)|2026-11-2\(5 + i % 2)"
            expected[k] = ((expected[k]?.0 ?? 0) + 1, (expected[k]?.1 ?? 0) + Double(i) * 1.5)
        }
        let got = try DeltaTable(path: table).snapshot().read(columns: ["user", "date", "n", "total"]).batch.rows
        #expect(got.count == expected.count)
        for r in got {
            guard case .string(let u) = r[0], case .date(let d) = r[1], case .int64(let n) = r[2], case .double(let t) = r[3] else {
                Issue.record("unexpected row \(r)")
                continue
            }
            let e = expected["\(u)|\(Dates.format(d))"]
            #expect(e?.0 == n && e?.1 == t)
        }
    }
}
