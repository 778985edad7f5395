import Foundation
import Testing

@testable import Streaming

@Suite struct FileStreamTests {
    @Test func availableNowProcessesTheBacklogThroughFilterAndSelect() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<10)
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 10..<20)
        let sink = MemorySink(name: "backlog-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .filter(col("id") % 2 == 0)
            .withColumn("doubled", col("amount") * 2)
            .select(col("id"), col("user"), col("doubled"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(ids(sink) == Array(stride(from: 0, to: 20, by: 2)))
        #expect(sink.rows[1] == [.int64(2), .string("u2"), .double(6)])
        #expect(q.isActive == false)
    }

    @Test func maxFilesPerTriggerBoundsEachBatch() throws {
        let dir = TempDir()
        for f in 0..<5 { try writeEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10)) }
        let sink = MemorySink(name: "bounded-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(2)).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(q.recentProgress.map(\.numInputRows) == [20, 20, 10])
        #expect(sink.appliedBatchIds == [0, 1, 2])
        #expect(ids(sink) == Array(0..<50).map(Int64.init))
    }

    @Test func maxBytesPerTriggerTakesAtLeastOneFile() throws {
        let dir = TempDir()
        for f in 0..<3 { try writeEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10)) }
        let q = try StreamingSession().readStream.schema(eventSchema).option(.maxBytesPerTrigger(10)).load(dir.sub("in"))
            .writeStream.format(.memory("bytes-\(UUID())")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(q.recentProgress.map(\.numInputRows) == [10, 10, 10])
    }

    @Test func filesAddedWhileRunningArePickedUpByLaterBatches() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<5)
        let sink = MemorySink(name: "live-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).start()
        defer { q.stop() }
        try q.processAllAvailable()
        #expect(ids(sink) == [0, 1, 2, 3, 4])
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 5..<8)
        try q.processAllAvailable()
        #expect(ids(sink) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(sink.appliedBatchIds == [0, 1])
        #expect(q.isActive)
    }

    /// Working through a listed backlog, the source takes from its last listing instead of
    /// listing again each batch; it lists again once the backlog fits in one batch.
    @Test(arguments: [false, true]) func aListedBacklogIsTakenBeforeListingAgain(latestFirst: Bool) throws {
        let dir = TempDir()
        for name in ["b", "c", "d"] { try writeEvents(dir.sub("in"), "\(name).jsonl", ids: 0..<1) }
        var options = FileSourceOptions()
        options.latestFirst = latestFirst
        let source = try FileStreamSource(root: dir.sub("in"), dataSchema: eventSchema, options: options, metadataPath: dir.sub("log")) {
            JSONLinesReader(schema: $0)
        }
        var offset: SourceOffset?
        func next() throws -> [String] {
            let end = try #require(try source.latestOffset(start: offset, limit: .maxFiles(1)))
            defer { offset = end }
            return try source.getBatch(start: offset, end: end, batchId: 0).parts.isEmpty ? [] : try takenFiles(end)
        }
        func takenFiles(_ end: SourceOffset) throws -> [String] {
            let id = Int(end.json.filter(\.isNumber))!
            return try BatchLog(directory: dir.sub("log")).read(Int64(id))!.map { line in
                try JSONDecoder().decode(ListedFile.self, from: Data(line.utf8)).path
            }
        }
        #expect(try next() == [latestFirst ? "d.jsonl" : "b.jsonl"])
        // Sorts before the rest of the backlog: a producer breaking the naming convention.
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<1)
        if latestFirst {
            // Newest first means listing every time: "a" is the last in path order, so taken last.
            #expect(try [next(), next(), next()] == [["c.jsonl"], ["b.jsonl"], ["a.jsonl"]])
        } else {
            // "c" comes from the first listing; the next batch would empty the backlog, so the
            // source lists again and "a" sorts first.
            #expect(try [next(), next(), next()] == [["c.jsonl"], ["a.jsonl"], ["d.jsonl"]])
        }
    }

    /// A file of the last listing removed before it is taken (retention) is skipped, as a fresh
    /// listing would skip it, instead of being logged and failing every re-run of the batch.
    @Test func aListedFileRemovedBeforeItIsTakenIsSkipped() throws {
        let dir = TempDir()
        for name in ["b", "c", "d", "e"] { try writeEvents(dir.sub("in"), "\(name).jsonl", ids: 0..<1) }
        let source = try FileStreamSource(
            root: dir.sub("in"), dataSchema: eventSchema, options: FileSourceOptions(), metadataPath: dir.sub("log2")
        ) { JSONLinesReader(schema: $0) }
        let first = try #require(try source.latestOffset(start: nil, limit: .maxFiles(1)))  // lists b…e, takes b
        try FileSystem.remove(dir.sub("in", "c.jsonl"))
        let second = try #require(try source.latestOffset(start: first, limit: .maxFiles(1)))
        let batch = try source.getBatch(start: first, end: second, batchId: 1)
        #expect(batch.numInputRows == 1)  // d, read without an error about c
        let log = try BatchLog(directory: dir.sub("log2")).read(1) ?? []
        #expect(log.count == 1 && log[0].contains("d.jsonl"))
    }

    @Test func processingTimeTriggerRunsUntilStopped() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        let sink = MemorySink(name: "timer-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp"))
            .trigger(.processingTime(.milliseconds(50))).start()
        try q.processAllAvailable()
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 3..<6)
        try q.processAllAvailable()
        q.stop()
        #expect(q.isActive == false)
        #expect(ids(sink) == [0, 1, 2, 3, 4, 5])
    }

    @Test func hivePartitionDirectoriesBecomeColumns() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "date=2026-11-25", "region=eu"), "a.jsonl", ids: 0..<2)
        try writeEvents(dir.sub("in", "date=2026-11-26", "region=us%20east"), "b.jsonl", ids: 2..<3)
        let schema = eventSchema.setting(Field("date", .date)).setting(Field("region", .string))
        let stream = try StreamingSession().readStream.schema(schema).load(dir.sub("in"))
        // Partition columns are the declared fields named like a directory key, in their place.
        #expect(try stream.schema().names == ["id", "user", "amount", "ts", "date", "region"])
        let sink = MemorySink(name: "hive-\(UUID())")
        let q = try stream.select("id", "date", "region").writeStream.format(.custom(sink))
            .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(sink.rows == [
            [.int64(0), .date(Int32(Dates.days(year: 2026, month: 11, day: 25))), .string("eu")],
            [.int64(1), .date(Int32(Dates.days(year: 2026, month: 11, day: 25))), .string("eu")],
            [.int64(2), .date(Int32(Dates.days(year: 2026, month: 11, day: 26))), .string("us east")],
        ])
    }

    @Test func globFilterHiddenFilesAndLatestFirst() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<1)
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 1..<2)
        try writeEvents(dir.sub("in"), "c.txt", ids: 2..<3)
        try DurableFile.writeNew(dir.sub("in", ".inflight.jsonl"), Array(#"{"id":99}"#.utf8))
        try DurableFile.writeNew(dir.sub("in", "_inflight.jsonl"), Array(#"{"id":98}"#.utf8))
        let sink = MemorySink(name: "glob-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema)
            .option(.pathGlobFilter("*.jsonl")).option(.latestFirst(true)).option(.maxFilesPerTrigger(1))
            .load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(ids(sink) == [1, 0])
    }

    @Test func readsZstdCompressedFiles() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let text = (0..<100).map { #"{"id":\#($0),"user":"z"}"# }.joined(separator: "\n")
        try DurableFile.writeNew(dir.sub("in", "a.jsonl.zst"), try Zstd.compress(Array(text.utf8)))
        let sink = MemorySink(name: "zst-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(ids(sink) == (0..<100).map(Int64.init))
    }
}

@Suite struct ColumnPruningTests {
    @Test func sourcesReadOnlyTheColumnsTheQueryUses() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "date=2026-11-25"), "a.jsonl", ids: 0..<4)
        let dated = eventSchema.setting(Field("date", .date))
        let stream = try StreamingSession().readStream.schema(dated).load(dir.sub("in"))
            .filter(col("amount") > 1).select(col("id"), col("user").as("who"))
        let pruned = ColumnPruning.apply(stream.plan)
        // A partition column the query does not use is pruned like any other.
        #expect(pruned.sources[0].schema.names == ["id", "user", "amount"])
        let windowed = try StreamingSession().readStream.schema(dated).load(dir.sub("in"))
            .withWatermark("ts", delay: .seconds(1)).groupBy(window(col("ts"), .seconds(5)), col("date")).agg(sum(col("amount")))
        #expect(ColumnPruning.apply(windowed.plan).sources[0].schema.names == ["amount", "ts", "date"])
        let whole = try StreamingSession().readStream.schema(dated).load(dir.sub("in")).dropDuplicates()
        #expect(ColumnPruning.apply(whole.plan).sources[0].schema.names.count == 5)
        let sink = MemorySink(name: "pruned-\(UUID())")
        try stream.writeStream.format(.custom(sink)).trigger(.availableNow).checkpointLocation(dir.sub("cp")).start().awaitTermination()
        #expect(sink.rows.map { $0[0] } == [.int64(1), .int64(2), .int64(3)])
    }
}

@Suite struct SplitFileReaderTests {
    @Test func splitReadEqualsSequentialReadIncludingLineNumbers() throws {
        let dir = TempDir()
        var lines = (0..<999).map { #"{"id":\#($0),"user":"u\#($0 % 7)","amount":\#($0).5}"# }
        lines[700] = "{broken"
        lines[100] = #"{"id":"wrong type"}"#
        try DurableFile.writeNew(dir.sub("f.jsonl"), Array(lines.joined(separator: "\n").utf8))
        let reader = JSONLinesReader(schema: eventSchema, options: ReaderOptions(mode: .dropMalformed))
        let split = SplitFileReader(reader: reader, minBytes: 0)
        let a = try reader.read(path: dir.sub("f.jsonl")), parts = try split.read(path: dir.sub("f.jsonl"))
        #expect(parts.count == min(ParallelMap.cores, 999))
        #expect(a.batch.rows == parts.flatMap(\.batch.rows))
        let bad = parts.flatMap(\.badRecords)
        #expect(a.badRecords == bad)
        #expect(bad.map(\.line) == [101, 701])
        #expect(a.lines == parts.reduce(0) { $0 + $1.lines })

        let strict = SplitFileReader(reader: JSONLinesReader(schema: eventSchema, options: ReaderOptions(mode: .failFast)), minBytes: 0)
        do {
            _ = try strict.read(path: dir.sub("f.jsonl"))
            Issue.record("expected failFast to stop")
        } catch let e as ReadError {
            #expect(e.line == 101)  // the first bad line in file order, whichever piece failed first
        }
    }

    /// A cut point inside a line longer than the 64 KiB newline search window, CRLF line ends,
    /// a scan filter and malformed lines: the pieces together equal one read of the file.
    @Test func splitReadOfLongCRLFLinesWithAFilter() throws {
        let dir = TempDir()
        var lines = (0..<400).map { #"{"id":\#($0),"user":"u\#($0 % 3)","amount":1.5}"# }
        lines[200] = #"{"id":200,"user":"u2","amount":1.5,"pad":""# + String(repeating: "x", count: 200_000) + #""}"#
        lines[50] = "{broken"
        lines[350] = #"{"id":"not a number","user":"u1"}"#
        try DurableFile.writeNew(dir.sub("f.jsonl"), Array(lines.joined(separator: "\r\n").utf8))
        var options = ReaderOptions(mode: .permissive, corruptRecordColumn: nil)
        options.scanFilter = ScanFilter([.init(field: "user", values: ["u1", "u2"])])
        let reader = JSONLinesReader(schema: eventSchema, options: options)
        let whole = try reader.read(path: dir.sub("f.jsonl"))
        let parts = try SplitFileReader(reader: reader, minBytes: 0).read(path: dir.sub("f.jsonl"))
        #expect(parts.count == min(ParallelMap.cores, 2))
        #expect(parts.flatMap(\.batch.rows) == whole.batch.rows)
        #expect(parts.flatMap(\.badRecords) == whole.badRecords)
        #expect(whole.badRecords.map(\.line) == [51, 351])
        #expect(parts.reduce(0) { $0 + $1.rowsRead } == whole.rowsRead)
        #expect(whole.batch.rows.contains { $0[0] == .int64(200) })
    }

    @Test func onlyReadersWhoseRecordsEndAtNewlinesAreSplit() {
        let file = ListedFile(path: "f", size: 1 << 30, modifiedMillis: 0)
        // A quoted CSV field may hold a newline: cutting there would break a record in two.
        #expect(!SplitFileReader(reader: CSVReader(schema: eventSchema), minBytes: 0).canSplit(file, path: "/d/f.csv"))
        #expect(SplitFileReader(reader: JSONLinesReader(schema: eventSchema), minBytes: 0).canSplit(file, path: "/d/f.jsonl") == (ParallelMap.cores > 1))
        #expect(!SplitFileReader(reader: JSONLinesReader(schema: eventSchema), minBytes: 0).canSplit(file, path: "/d/f.jsonl.zst"))
    }

    @Test func cutsEndAfterNewlines() {
        let bytes = Array("a\nbb\nccc\ndddd\n".utf8)
        func cut(_ bytes: [UInt8], _ n: Int) -> [Range<Int64>] {
            SplitFileReader.cut(size: Int64(bytes.count), into: n) { at in bytes[Int(at)...].firstIndex(of: 10).map(Int64.init) }
        }
        let r = cut(bytes, 2)
        #expect(r.count == 2 && bytes[Int(r[0].upperBound) - 1] == 10 && r[1].upperBound == bytes.count)
        let five = cut(bytes, 5)
        #expect(five == [0..<5, 5..<9, 9..<14])  // cut after the first newline past each 1/5th
        #expect(zip(five, five.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && bytes[Int($0.upperBound) - 1] == 10 })
        #expect(cut(Array("no newline".utf8), 2) == [0..<10])
        #expect(cut(Array("last newline only\n".utf8), 2) == [0..<18])
    }
}

@Suite struct HostileInputTests {
    /// A source whose next batch lists a file that is deleted before it is read.
    func vanishingFile(ignore: Bool) throws -> (StreamingQuery, MemorySink, TempDir) {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<2)
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 2..<4)
        let sink = MemorySink(name: "vanish-\(UUID())")
        let path = dir.sub("in", "b.jsonl")
        let q = try StreamingSession().readStream.schema(eventSchema).option(.ignoreMissingFiles(ignore)).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
            .faultInjection { point, _ in if point == .afterOffsetsWritten { try? FileSystem.remove(path) } }
            .start()
        return (q, sink, dir)
    }

    @Test func aFileDeletedAfterListingFailsTheBatchClearly() throws {
        let (q, sink, dir) = try vanishingFile(ignore: false)
        do {
            try q.awaitTermination()
            Issue.record("expected the vanished file to fail the batch")
        } catch let e as SourceError {
            #expect(e.description.contains(dir.sub("in", "b.jsonl")) && e.description.contains("ignoreMissingFiles"))
        }
        #expect(sink.rows.isEmpty)
    }

    @Test func ignoreMissingFilesSkipsIt() throws {
        let (q, sink, dir) = try vanishingFile(ignore: true)
        try withExtendedLifetime(dir) { try q.awaitTermination() }
        #expect(ids(sink) == [0, 1])
    }

    @Test func emptyFilesAndBlankLinesAreNotErrors() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try DurableFile.writeNew(dir.sub("in", "empty.jsonl"), [])
        try DurableFile.writeNew(dir.sub("in", "blank.jsonl"), Array("\n\n   \n".utf8))
        try DurableFile.writeNew(dir.sub("in", "empty.jsonl.zst"), try Zstd.compress([]))
        try writeEvents(dir.sub("in"), "z.jsonl", ids: 0..<1)
        let sink = MemorySink(name: "empty-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(ids(sink) == [0])
        #expect(q.lastProgress?.sources[0].numMalformedRows == 0)
    }

    @Test func aMalformedPartitionDirectoryNamesTheFile() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "date=2026-13-45"), "a.jsonl", ids: 0..<1)
        let q = try StreamingSession().readStream.schema(eventSchema.setting(Field("date", .date))).load(dir.sub("in"))
            .writeStream.format(.memory("part-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        do {
            try q.awaitTermination()
            Issue.record("expected a partition value error")
        } catch {
            #expect("\(error)".contains("date=2026-13-45") && "\(error)".contains("not a valid date"))
        }
    }
}
