import Columnar
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// Partition pruning and statistics skipping, measured by the files and row groups opened.
@Suite struct DeltaScanTests {
    /// Five days, two commits per day (10 files), ids increasing with time.
    func table(_ dir: DeltaTempDir) throws -> DeltaTable {
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        for b in 0..<2 { try sink.addBatch(Int64(b), logRows(b * 500, 500, days: 5)) }
        return DeltaTable(path: dir.sub("t"))
    }

    @Test func partitionPredicateOpensOnlyThatPartitionsFiles() throws {
        let dir = DeltaTempDir()
        let snap = try table(dir).snapshot()
        #expect(snap.files.count == 10)
        let day = Value.date(Dates.parse("2026-11-27")!)
        let r = try snap.read(where: col("date") == lit(day))
        #expect(r.metrics.filesInSnapshot == 10)
        #expect(r.metrics.filesPrunedByPartition == 8)
        #expect(r.metrics.filesOpened == 2)
        #expect(r.batch.rowCount == 200)
        let all = try snap.read().batch
        let expected = all.filter(try all.column("date").int32Values.map { $0 == Dates.parse("2026-11-27")! })
        #expect(sortedRows(r.batch) == sortedRows(expected))

        let range = try snap.read(where: col("date") >= lit(day) && col("level") == "ERROR")
        #expect(range.metrics.filesOpened == 6)
        #expect(range.batch.rows.allSatisfy { $0[2] == .string("ERROR") })
    }

    @Test func fileStatisticsSkipFiles() throws {
        let dir = DeltaTempDir()
        let snap = try table(dir).snapshot()
        // Batch 1 holds status 500..999: its five files are skipped by status stats.
        let r = try snap.read(where: col("status") < 100)
        #expect(r.metrics.filesSkippedByStats == 5)
        #expect(r.metrics.filesOpened == 5)
        #expect(r.batch.rowCount == 100)
        // Timestamps: the max is floored to ms in the log and widened back when reading.
        let snapshotRows = try snap.read().batch
        let tsIndex = snapshotRows.schema.index(of: "ts")!
        let maxTs = snapshotRows.columns[tsIndex].int64Values.max()!
        let last = try snap.read(where: col("ts") >= lit(.timestamp(maxTs)))
        #expect(last.batch.rowCount == 1)
        #expect(last.metrics.filesOpened == 1)
    }

    @Test func rowGroupStatisticsSkipRowGroups() throws {
        let dir = DeltaTempDir()
        let schema = Schema([Field("id", .int64), Field("v", .string)])
        var w = DeltaFileWriter(tablePath: dir.sub("t"), schema: schema, partitionColumns: [])
        w.parquetOptions.rowGroupRowLimit = 1000
        let batch = try RecordBatch.fromRows((0..<5000).map { [.int64(Int64($0)), .string("v\($0 % 10)")] }, schema: schema)
        let adds = try w.write(batch)
        try DeltaTable(path: dir.sub("t")).commit(DeltaCommitInfo(timestamp: nil, operation: "WRITE")) { _ in
            DeltaTable.creationActions(schema: schema, partitionBy: [], configuration: [:]) + adds.map { .add($0) }
        }
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        let r = try snap.read(where: col("id") >= 2500 && col("id") < 2600)
        #expect(r.metrics.filesOpened == 1)
        #expect(r.metrics.rowGroupsRead == 1)
        #expect(r.metrics.rowGroupsSkipped == 4)
        #expect(r.batch.rowCount == 100)
        let none = try snap.read(where: col("id") > 10_000)
        #expect(none.metrics.filesSkippedByStats == 1 && none.metrics.filesOpened == 0 && none.batch.rowCount == 0)
    }
}
