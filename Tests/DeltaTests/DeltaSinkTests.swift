import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

@Suite struct DeltaSinkTests {
    @Test func firstBatchCreatesTheTableAndRowsReadBack() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q-1"))
        let batch = logRows(0, 50)
        try sink.addBatch(0, batch)
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 0)
        #expect(snap.tableProtocol == .default)
        #expect(snap.partitionColumns == ["date"])
        #expect(snap.schema.names == logSchema.names)
        #expect(snap.transactionVersion("q-1") == 0)
        #expect(snap.files.count == 2)
        for f in snap.addFiles {
            #expect(f.path.hasPrefix("date=2026-11-2"))
            #expect(f.partitionValues["date"]! != nil)
            let onDisk = try FileSystem.attributes(FilePaths.join(dir.sub("t"), f.path)).size
            #expect(f.size == onDisk)
            #expect(f.numRecords == 25)
            // Files hold no partition columns.
            let pf = try ParquetFile(path: FilePaths.join(dir.sub("t"), f.path))
            #expect(!pf.schema.names.contains("date"))
        }
        let read = try snap.read()
        #expect(sortedRows(read.batch) == sortedRows(batch))
    }

    @Test func replayedBatchIdIsSkipped() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"))
        try sink.open(sinkContext("q-1"))
        try sink.addBatch(0, logRows(0, 10))
        try sink.addBatch(1, logRows(10, 10))
        try sink.addBatch(1, logRows(10, 10))
        try sink.addBatch(0, logRows(0, 10))
        // A new sink object (a restart) still skips: the txn is in the table.
        let again = DeltaSink(path: dir.sub("t"))
        try again.open(sinkContext("q-1"))
        try again.addBatch(1, logRows(10, 10))
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 1)
        #expect(try snap.read().batch.rowCount == 20)
        // Another query id is another application.
        let other = DeltaSink(path: dir.sub("t"))
        try other.open(sinkContext("q-2"))
        try other.addBatch(1, logRows(20, 5))
        let s2 = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(s2.transactionVersion("q-2") == 1)
        #expect(try s2.read().batch.rowCount == 25)
    }

    @Test func completeModeReplacesTheTableInOneCommit() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q", mode: .complete))
        try sink.addBatch(0, logRows(0, 10))
        try sink.addBatch(1, logRows(100, 4))
        let table = DeltaTable(path: dir.sub("t"))
        let snap = try table.snapshot()
        #expect(sortedRows(try snap.read().batch) == sortedRows(logRows(100, 4)))
        let last = try table.history(limit: 1)[0]
        #expect(last.removedFiles == 2 && last.addedFiles == 2)
        // Time travel still sees version 0.
        #expect(try table.snapshot(version: 0).read().batch.rowCount == 10)
    }

    @Test func partitionColumnMustBeInTheOutput() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["day"])
        #expect(throws: DeltaError.self) { try sink.open(sinkContext("q")) }
        let update = DeltaSink(path: dir.sub("u"))
        #expect(throws: DeltaError.self) { try update.open(sinkContext("q", mode: .update)) }
    }

    @Test func schemaMismatchWithExistingTableIsRefused() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"))
        try sink.open(sinkContext("q"))
        try sink.addBatch(0, logRows(0, 3))
        let other = DeltaSink(path: dir.sub("t"))
        let schema = Schema([Field("x", .int64)])
        #expect(throws: DeltaError.self) { try other.open(sinkContext("q2", schema: schema)) }
    }

    @Test func commitLogLinesAreWhatReadersExpect() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q-7"))
        try sink.addBatch(3, logRows(0, 4, days: 1))
        let text = try FileSystem.readString(dir.sub("t", "_delta_log", "00000000000000000000.json"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("{\"commitInfo\":{\"timestamp\":"))
        #expect(lines[1] == "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}")
        #expect(lines[2].contains("\"format\":{\"provider\":\"parquet\",\"options\":{}}"))
        #expect(lines[2].contains("\"configuration\":{}"))
        #expect(lines[3].contains("\"partitionValues\":{\"date\":\"2026-11-25\"}"))
        #expect(lines[4].hasPrefix("{\"txn\":{\"appId\":\"q-7\",\"version\":3,"))
        // Every line parses back.
        let actions = try DeltaAction.parseCommit(text, file: "v0")
        #expect(actions.count == 5)
    }

    @Test func statsFollowTheDeltaRules() throws {
        let schema = Schema([Field("ts", .timestamp), Field("d", .double), Field("s", .string), Field("n", .int64)])
        let long = String(repeating: "é", count: 40)
        let batch = try RecordBatch.fromRows([
            [.timestamp(-1), .double(0.0), .string("b"), .null],
            [.timestamp(1_500), .double(-0.0), .string(long), .null],
            [.null, .double(.nan), .string("a"), .null],
        ], schema: schema)
        var w = try ParquetWriter(schema: schema)
        try w.write(batch)
        let json = DeltaFileStats.json(try w.finish().summary)
        let stats = try #require(DeltaFileStats(json: json))
        #expect(json.contains("\"ts\":\"1969-12-31T23:59:59.999Z\""))  // floored, not truncated toward zero
        #expect(json.contains("\"ts\":\"1970-01-01T00:00:00.001Z\""))
        #expect(json.contains("\"d\":-0.0") && json.contains("\"d\":0.0"))
        #expect(!json.contains("\"n\":null"))
        #expect(stats.nullCount == ["ts": 1, "d": 0, "s": 0, "n": 3])
        #expect(stats.minValues["n"] == nil && stats.maxValues["n"] == nil)
        #expect(stats.maxValues["s"] == nil)  // a long string's max is left out
        #expect(stats.minValues["s"] == .string("a"))
        #expect(stats.upperBound("ts", type: .timestamp) == .timestamp(1_999))
    }

    @Test func partitionValuesAndPathsAreEscaped() throws {
        let dir = DeltaTempDir()
        let schema = Schema([Field("k", .string), Field("v", .int64)])
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["k"])
        try sink.open(sinkContext("q", schema: schema))
        let batch = try RecordBatch.fromRows([[.string("a b:c/d%é"), .int64(1)], [.null, .int64(2)]], schema: schema)
        try sink.addBatch(0, batch)
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        let paths = snap.addFiles.map(\.path)
        #expect(paths.contains { $0.hasPrefix("k=a%2520b%253Ac%252Fd%2525%25C3%25A9/") })
        #expect(paths.contains { $0.hasPrefix("k=__HIVE_DEFAULT_PARTITION__/") })
        #expect(FileSystem.isDirectory(dir.sub("t", "k=a%20b%3Ac%2Fd%25%C3%A9")))
        #expect(sortedRows(try snap.read().batch, by: "v") == sortedRows(batch, by: "v"))
    }
}

/// Update mode: a merge on key columns.
@Suite struct DeltaMergeTests {
    let schema = Schema([Field("k", .string), Field("day", .date), Field("n", .int64)])

    func rows(_ r: [(String, String, Int64)]) throws -> RecordBatch {
        try RecordBatch.fromRows(r.map { [.string($0.0), .date(Dates.parse($0.1)!), .int64($0.2)] }, schema: schema)
    }

    @Test func updateModeReplacesRowsByKeyAndRewritesOnlyFilesHoldingThem() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["day"], mergeKeys: ["k", "day"])
        try sink.open(sinkContext("q", mode: .update, schema: schema))
        try sink.addBatch(0, try rows([("a", "2026-11-25", 1), ("b", "2026-11-25", 2), ("a", "2026-11-26", 3)]))
        let table = DeltaTable(path: dir.sub("t"))
        let day26File = try table.snapshot().addFiles.first { $0.partitionValues["day"] == "2026-11-26" }!.path
        try sink.addBatch(1, try rows([("a", "2026-11-25", 10), ("c", "2026-11-25", 5)]))
        try sink.addBatch(1, try rows([("a", "2026-11-25", 99)]))  // replayed batch: skipped
        let snap = try table.snapshot()
        let got = try snap.read().batch.rows.sorted { Value.compareRows($0, $1) < 0 }
        #expect(got == (try rows([("a", "2026-11-25", 10), ("a", "2026-11-26", 3), ("b", "2026-11-25", 2), ("c", "2026-11-25", 5)])).rows)
        // The other day's file was not rewritten.
        #expect(snap.files[day26File] != nil)
        let last = try table.history(limit: 1)[0]
        #expect(last.removedFiles == 1 && last.addedFiles == 1)
    }

    @Test func updateModeNeedsKeysThatIncludeThePartitionColumns() throws {
        let dir = DeltaTempDir()
        #expect(throws: DeltaError.self) { try DeltaSink(path: dir.sub("a")).open(sinkContext("q", mode: .update, schema: schema)) }
        #expect(throws: DeltaError.self) {
            try DeltaSink(path: dir.sub("b"), partitionBy: ["day"], mergeKeys: ["k"]).open(sinkContext("q", mode: .update, schema: schema))
        }
    }
}
