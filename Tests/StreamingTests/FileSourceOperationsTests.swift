import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Streaming

/// A file source over `dir/in` with its log in `dir/<log>`, reading `eventSchema` (plus `extra`).
func makeFileSource(_ dir: TempDir, log: String = "log", schema: Schema = eventSchema, options: FileSourceOptions = FileSourceOptions()) throws -> FileStreamSource {
    try FileSystem.createDirectory(dir.sub("in"))
    return try FileStreamSource(root: dir.sub("in"), dataSchema: schema, options: options, metadataPath: dir.sub(log)) { JSONLinesReader(schema: $0) }
}

/// Takes one batch of at most `maxFiles` files after `start`; returns the new offset and the rows' ids.
func takeBatch(_ source: FileStreamSource, after start: SourceOffset?, maxFiles: Int = 1000) throws -> (SourceOffset?, SourceBatch?) {
    let end = try source.latestOffset(start: start, limit: .maxFiles(maxFiles))
    guard let end, end != start else { return (start, nil) }
    return (end, try source.getBatch(start: start, end: end, batchId: 0))
}

func batchIds(_ batch: SourceBatch?) throws -> [Int64] {
    guard let batch else { return [] }
    return try batch.combined().rows.compactMap { if case .int64(let x) = $0[0] { return x } else { return nil } }
}

func symlink(_ target: String, at path: String) throws {
    guard Glibc.symlink(target, path) == 0 else { throw IOError("symlink", path) }
}

// MARK: - Listing: links, loops, one file once

@Suite struct FileListingLinkTests {
    @Test func aLinkToTheRootIsNotFollowed() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        try symlink(".", at: dir.sub("in", "loop"))
        let listing = try FileListing.list(root: dir.sub("in"), glob: nil)
        #expect(listing.files.map(\.path) == ["a.jsonl"])
    }

    /// Two links back to the root made the old walk branch without end.
    @Test func twoLoopLinksTerminate() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "date=2026-11-25"), "a.jsonl", ids: 0..<3)
        try symlink("..", at: dir.sub("in", "date=2026-11-25", "up"))
        try symlink(".", at: dir.sub("in", "loop1"))
        try symlink(dir.sub("in"), at: dir.sub("in", "loop2"))
        let listing = try FileListing.list(root: dir.sub("in"), glob: nil)
        #expect(listing.files.map(\.path) == ["date=2026-11-25/a.jsonl"])
    }

    @Test func aLinkOutOfTheTreeIsFollowedAndADirectoryIsListedOnce() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<1)
        try writeEvents(dir.sub("outside"), "x.jsonl", ids: 1..<2)
        try writeEvents(dir.sub("elsewhere"), "y.jsonl", ids: 2..<3)
        try symlink(dir.sub("outside"), at: dir.sub("in", "ext1"))
        try symlink(dir.sub("outside"), at: dir.sub("in", "ext2"))
        // Loops through the outside: back into the tree, and onto itself.
        try symlink(dir.sub("in"), at: dir.sub("outside", "back"))
        try symlink(dir.sub("outside"), at: dir.sub("outside", "self"))
        // A file linked from outside is read under the link's path.
        try symlink(dir.sub("elsewhere", "y.jsonl"), at: dir.sub("in", "y-link.jsonl"))
        // A dangling link is skipped like a file deleted a moment earlier.
        try symlink(dir.sub("nowhere"), at: dir.sub("in", "dangling.jsonl"))
        let listing = try FileListing.list(root: dir.sub("in"), glob: nil)
        #expect(listing.files.map(\.path) == ["a.jsonl", "ext1/x.jsonl", "y-link.jsonl"])
    }

    @Test func aFileUnderTwoPathsIsListedOnceUnderTheFirst() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 0..<1)
        try writeEvents(dir.sub("outside"), "x.jsonl", ids: 1..<2)
        #expect(link(dir.sub("in", "b.jsonl"), dir.sub("in", "c.jsonl")) == 0)
        try symlink(dir.sub("outside", "x.jsonl"), at: dir.sub("in", "x1.jsonl"))
        try symlink(dir.sub("outside", "x.jsonl"), at: dir.sub("in", "x2.jsonl"))
        let listing = try FileListing.list(root: dir.sub("in"), glob: nil)
        #expect(listing.files.map(\.path) == ["b.jsonl", "x1.jsonl"])
        #expect(listing.otherPaths == ["b.jsonl": ["c.jsonl"], "x1.jsonl": ["x2.jsonl"]])
    }

    /// `ln -s . loop` in the input made one batch read the same file 41 times.
    @Test func aQueryOverALoopReadsEachRowOnce() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<5)
        try symlink(".", at: dir.sub("in", "loop"))
        let sink = MemorySink(name: "loop-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(ids(sink) == [0, 1, 2, 3, 4])
    }

    /// A second path to a file already read (a hard link sorting first) does not read it again.
    @Test func aNewPathToAFileAlreadyReadIsNotReadAgain() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 0..<2)
        let source = try makeFileSource(dir)
        let (first, batch) = try takeBatch(source, after: nil)
        #expect(try batchIds(batch) == [0, 1])
        #expect(link(dir.sub("in", "b.jsonl"), dir.sub("in", "a.jsonl")) == 0)
        try writeEvents(dir.sub("in"), "c.jsonl", ids: 2..<3)
        let (_, next) = try takeBatch(source, after: first)
        #expect(try batchIds(next) == [2])
    }
}

// MARK: - Partition directories appearing after start

@Suite struct LatePartitionTests {
    static let dated = eventSchema.setting(Field("date", .date))
    static func day(_ d: Int) -> Value { .date(Int32(Dates.days(year: 2026, month: 11, day: d))) }

    /// The directory was empty at start; the declared `date` column used to come out null.
    @Test func aDeclaredPartitionColumnWhoseDirectoriesAppearLaterIsFilled() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let sink = MemorySink(name: "late-part-\(UUID())")
        let q = try StreamingSession().readStream.schema(Self.dated).load(dir.sub("in"))
            .select("id", "date")
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).start()
        defer { q.stop() }
        try q.processAllAvailable()
        try writeEvents(dir.sub("in", "date=2026-11-25"), "a.jsonl", ids: 0..<2)
        try q.processAllAvailable()
        try writeEvents(dir.sub("in", "date=\(DeltaPartition.nullDirectoryValue)"), "b.jsonl", ids: 2..<3)
        try q.processAllAvailable()
        #expect(sink.rows == [[.int64(0), Self.day(25)], [.int64(1), Self.day(25)], [.int64(2), .null]])
    }

    @Test func declaredColumnsKeepTheirPlaceWhetherOrNotTheirDirectoriesExistYet() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let schema = Schema([Field("date", .date)] + eventSchema.fields)
        let before = try StreamingSession().readStream.schema(schema).load(dir.sub("in")).schema()
        try writeEvents(dir.sub("in", "date=2026-11-25"), "a.jsonl", ids: 0..<1)
        let after = try StreamingSession().readStream.schema(schema).load(dir.sub("in")).schema()
        #expect(before == after)
        #expect(after.names == ["date", "id", "user", "amount", "ts"])
    }

    /// Once `date` is a partition column, a file outside any `date=` directory is refused
    /// before it is logged, naming it; moving it in lets the stream continue.
    @Test func aFileMissingAKnownPartitionDirectoryIsRefusedBeforeItIsLogged() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "date=2026-11-25"), "a.jsonl", ids: 0..<1)
        let source = try makeFileSource(dir, schema: Self.dated)
        let (first, _) = try takeBatch(source, after: nil)
        try writeEvents(dir.sub("in"), "stray.jsonl", ids: 1..<2)
        #expect {
            try source.latestOffset(start: first, limit: .all)
        } throws: { e in
            "\(e)".contains(dir.sub("in", "stray.jsonl")) && "\(e)".contains("date=<value>")
        }
        #expect(!FileSystem.exists(dir.sub("log", "1")))
        try FileSystem.createDirectory(dir.sub("in", "date=2026-11-26"))
        try FileSystem.rename(dir.sub("in", "stray.jsonl"), dir.sub("in", "date=2026-11-26", "stray.jsonl"))
        let (_, batch) = try takeBatch(source, after: first)
        #expect(try batch?.combined().rows.map { $0[4] } == [Self.day(26)])
    }

    /// A key the schema does not declare, appearing after the first start, would change the
    /// query's schema mid-stream: refused, naming the file and what to do.
    @Test func anUndeclaredKeyAppearingAfterStartIsRefused() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "date=2026-11-25"), "a.jsonl", ids: 0..<1)
        let q = try StreamingSession().readStream.schema(Self.dated).load(dir.sub("in"))
            .writeStream.format(.memory("undeclared-\(UUID())")).checkpointLocation(dir.sub("cp")).start()
        try q.processAllAvailable()
        try writeEvents(dir.sub("in", "date=2026-11-26", "region=eu"), "b.jsonl", ids: 1..<2)
        #expect {
            try q.awaitTermination()
        } throws: { e in
            "\(e)".contains("region=eu") && "\(e)".contains("not a column of this query") && "\(e)".contains("Declare region")
        }
    }

    /// Partition columns are the declared fields named like a directory key: a key the schema
    /// does not declare is refused from the first batch on, naming the file, never added as a
    /// column the query's schema did not have.
    @Test func anUndeclaredKeyPresentAtTheFirstStartIsRefused() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "region=eu"), "a.jsonl", ids: 0..<1)
        let source = try makeFileSource(dir)
        #expect(source.schema == eventSchema)
        #expect {
            try source.latestOffset(start: nil, limit: .all)
        } throws: { e in
            "\(e)".contains(dir.sub("in", "region=eu", "a.jsonl")) && "\(e)".contains("Declare region in the schema")
        }
        #expect(!FileSystem.exists(dir.sub("log", "0")))
    }

    /// Earlier versions made undeclared keys found at the first start string columns at the
    /// end, recorded in the source log: a restart asks to declare them, and then keeps going.
    @Test func aLogRecordingUndeclaredColumnsAsksToDeclareThem() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in", "region=eu"), "a.jsonl", ids: 0..<1)
        try FileSystem.createDirectory(dir.sub("log"))
        try FileSourceLog(directory: dir.sub("log")).writePartitions(PartitionColumns(declared: [], undeclared: ["region"]))
        #expect {
            try makeFileSource(dir)
        } throws: { e in
            "\(e)".contains(dir.sub("log")) && "\(e)".contains("region") && "\(e)".contains("declare them in the schema")
        }
        let declared = try makeFileSource(dir, schema: eventSchema.setting(Field("region", .string)))
        let (_, batch) = try takeBatch(declared, after: nil)
        #expect(try batch?.combined().rows.map { $0[4] } == [.string("eu")])
    }

    /// Column pruning narrows the schema the source sees; a pruned partition column must still
    /// count as declared, not as a new undeclared key.
    @Test func aPrunedPartitionColumnIsStillDeclared() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let sink = MemorySink(name: "pruned-part-\(UUID())")
        let q = try StreamingSession().readStream.schema(Self.dated).load(dir.sub("in"))
            .select("id")
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).start()
        defer { q.stop() }
        try q.processAllAvailable()
        try writeEvents(dir.sub("in", "date=2026-11-25"), "a.jsonl", ids: 0..<2)
        try q.processAllAvailable()
        #expect(ids(sink) == [0, 1])
    }
}

// MARK: - Files changed after they were read

@Suite struct ChangedFileTests {
    @Test func aFileRewrittenAfterItWasReadIsCountedNamedAndNotReadAgain() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<2)
        let observed = Mutex<[ChangedFile]>([])
        let sink = MemorySink(name: "changed-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema)
            .option(.onChangedFile { c in observed.withLock { $0.append(c) } })
            .load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).start()
        defer { q.stop() }
        try q.processAllAvailable()
        #expect(q.lastProgress?.sources[0].metrics?["numChangedFiles"] == "0")
        // A producer rewrites a.jsonl in place (bigger, later), then a new file arrives.
        try FileSystem.remove(dir.sub("in", "a.jsonl"))
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        var times = [timespec(tv_sec: 1_900_000_000, tv_nsec: 0), timespec(tv_sec: 1_900_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, dir.sub("in", "a.jsonl"), &times, 0) == 0)
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 10..<11)
        try q.processAllAvailable()
        let metrics = q.lastProgress?.sources[0].metrics ?? [:]
        #expect(metrics["numChangedFiles"] == "1")
        #expect(metrics["changedFiles"] == #"["\#(dir.sub("in", "a.jsonl"))"]"#)
        #expect(ids(sink) == [0, 1, 10])
        let seen = observed.withLock { $0 }
        #expect(seen.count == 1)
        #expect(seen.first?.sizeNow ?? 0 > seen.first?.sizeBefore ?? 0)
        #expect(seen.first?.modifiedMillisNow == 1_900_000_000_000)
        // Reported once: the next batch does not count it again.
        try writeEvents(dir.sub("in"), "c.jsonl", ids: 11..<12)
        try q.processAllAvailable()
        #expect(q.lastProgress?.sources[0].metrics?["numChangedFiles"] == "0")
        #expect(observed.withLock { $0.count } == 1)
    }
}

// MARK: - Source log compaction

@Suite struct FileSourceLogCompactionTests {
    /// Runs `n` batches of one new file each through `source`, from `start`.
    func feed(_ source: FileStreamSource, _ dir: TempDir, files range: Range<Int>, from start: SourceOffset?) throws -> SourceOffset? {
        var offset = start
        for f in range {
            try writeEvents(dir.sub("in"), String(format: "f%05d.jsonl", f), ids: f..<(f + 1))
            let (end, batch) = try takeBatch(source, after: offset, maxFiles: 1)
            #expect(try batchIds(batch) == [Int64(f)])
            offset = end
        }
        return offset
    }

    func logNames(_ dir: TempDir) throws -> [String] {
        try FileSystem.list(dir.sub("log")).filter { !$0.hasPrefix(".") }.sorted {
            (Int($0.prefix { $0.isNumber }) ?? -1, $0) < (Int($1.prefix { $0.isNumber }) ?? -1, $1)
        }
    }

    @Test func everyTenthEntryIsACompactFileAndOlderEntriesAreDeleted() throws {
        let dir = TempDir()
        let source = try makeFileSource(dir)
        let end = try feed(source, dir, files: 0..<25, from: nil)
        #expect(try logNames(dir) == ["partitions", "19.compact", "20", "21", "22", "23", "24"])
        // A restart reads the compact file and the entries after it: nothing is taken twice.
        let restarted = try makeFileSource(dir)
        let logged = try FileStreamSource.loggedFiles(metadataPath: dir.sub("log"), through: #require(end))
        #expect(logged.map(\.path) == (0..<25).map { String(format: "f%05d.jsonl", $0) })
        #expect(try FileStreamSource.loggedFiles(metadataPath: dir.sub("log"), through: SourceOffset(json: #"{"logOffset":12}"#)).count == 13)
        #expect(throws: CheckpointError.self) { try FileStreamSource.loggedFiles(metadataPath: dir.sub("log"), through: SourceOffset(json: #"{"logOffset":25}"#)) }
        let after = try feed(restarted, dir, files: 25..<31, from: end)
        #expect(after == SourceOffset(json: #"{"logOffset":30}"#))
        #expect(try logNames(dir) == ["partitions", "29.compact", "30"])
    }

    /// A crash after the compact file is durable but before the entries it replaces are
    /// deleted: they are ignored and deleted at the next start, and the stream goes on.
    @Test func aCrashBetweenCompactingAndDeletingLeavesAWorkingLog() throws {
        let dir = TempDir()
        let source = try makeFileSource(dir)
        let eight = try feed(source, dir, files: 0..<9, from: nil)
        let saved = try (0..<9).map { try FileSystem.read(dir.sub("log", "\($0)")) }
        let nine = try feed(source, dir, files: 9..<10, from: eight)
        #expect(!FileSystem.exists(dir.sub("log", "0")))
        for (i, bytes) in saved.enumerated() { try DurableFile.writeNew(dir.sub("log", "\(i)"), bytes) }

        let restarted = try makeFileSource(dir)
        #expect(try logNames(dir) == ["partitions", "9.compact"])
        // The in-flight batch (entry 9) re-reads exactly its file.
        #expect(try batchIds(restarted.getBatch(start: eight, end: #require(nine), batchId: 9)) == [9])
        _ = try feed(restarted, dir, files: 10..<12, from: nine)
    }

    /// A crash while the compact file was being written leaves only a temporary file: the
    /// entry does not exist, and the next run writes it again.
    @Test func aCrashWhileWritingTheCompactFileRewritesTheEntry() throws {
        let dir = TempDir()
        let source = try makeFileSource(dir)
        let eight = try feed(source, dir, files: 0..<9, from: nil)
        try writeEvents(dir.sub("in"), "f00009.jsonl", ids: 9..<10)
        try DurableFile.writeNew(dir.sub("log", ".9.compact.123.456.tmp"), Array("v1\n0\t1".utf8))

        let restarted = try makeFileSource(dir)
        let (nine, batch) = try takeBatch(restarted, after: eight, maxFiles: 1)
        #expect(nine == SourceOffset(json: #"{"logOffset":9}"#))
        #expect(try batchIds(batch) == [9])
        #expect(FileSystem.exists(dir.sub("log", "9.compact")))
        #expect(!FileSystem.exists(dir.sub("log", ".9.compact.123.456.tmp")))
    }

    /// The crash-between-log-and-offsets rule (the next batch is exactly the logged entry)
    /// holds when that entry is a compact file, through the engine.
    @Test func aQueryCrashingRightAfterACompactionLosesAndDuplicatesNothing() throws {
        let dir = TempDir()
        for f in 0..<14 { try writeEvents(dir.sub("in"), String(format: "f%05d.jsonl", f), ids: f * 2..<(f * 2 + 2)) }
        let sink = MemorySink(name: "compact-crash-\(UUID())")
        func start(_ hook: FaultHook?) throws -> StreamingQuery {
            var w = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
            if let hook { w = w.faultInjection(hook) }
            return try w.start()
        }
        let crashed = try start { p, b in if p == .beforeOffsetsWritten && b == 9 { throw InjectedFault(point: p, batchId: b) } }
        #expect(throws: InjectedFault.self) { try crashed.awaitTermination() }
        #expect(FileSystem.exists(dir.sub("cp", "sources", "0", "9.compact")))
        try start(nil).awaitTermination()
        #expect(ids(sink) == (0..<28).map(Int64.init))
        #expect(sink.appliedBatchIds == Array(0..<14))
    }

    /// Files gone from the directory and older than `maxFileAge` leave the log; files still
    /// there are kept however old, and so are recent files that are gone.
    @Test func compactionForgetsOnlyOldFilesThatAreGone() throws {
        let dir = TempDir()
        var options = FileSourceOptions()
        options.maxFileAge = .seconds(3600)
        let source = try makeFileSource(dir, options: options)
        var offset: SourceOffset?
        for f in 0..<9 {
            let name = String(format: "f%05d.jsonl", f)
            try writeEvents(dir.sub("in"), name, ids: f..<(f + 1))
            // f0…f3 are two hours older than the rest.
            var t = [timespec(tv_sec: f < 4 ? 1_800_000_000 : 1_800_007_200, tv_nsec: 0), timespec(tv_sec: f < 4 ? 1_800_000_000 : 1_800_007_200, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, dir.sub("in", name), &t, 0) == 0)
            (offset, _) = try takeBatch(source, after: offset, maxFiles: 1)
        }
        // Retention deletes f0 and f1 (old) and f5 (recent); f2 and f3 are old but still there.
        for f in [0, 1, 5] { try FileSystem.remove(dir.sub("in", String(format: "f%05d.jsonl", f))) }
        try writeEvents(dir.sub("in"), "f00009.jsonl", ids: 9..<10)
        (offset, _) = try takeBatch(source, after: offset, maxFiles: 1)
        let kept = try FileSourceLog(directory: dir.sub("log")).files(through: 9).map(\.path)
        #expect(kept == [2, 3, 4, 5, 6, 7, 8, 9].map { String(format: "f%05d.jsonl", $0) })

    }

    /// A replay reads a running stream's log while compactions delete the files it listed.
    @Test func aReaderBesideCompactionsAlwaysGetsTheWholeLog() throws {
        let dir = TempDir()
        let source = try makeFileSource(dir)
        let eight = try #require(try feed(source, dir, files: 0..<9, from: nil))
        let writerDone = Atomic(false)
        let writer = Thread {
            _ = try? self.feed(source, dir, files: 9..<60, from: eight)
            writerDone.store(true, ordering: .sequentiallyConsistent)
        }
        writer.start()
        var reads = 0
        while !writerDone.load(ordering: .sequentiallyConsistent) {
            #expect(try FileStreamSource.loggedFiles(metadataPath: dir.sub("log"), through: eight).count == 9)
            reads += 1
        }
        #expect(reads > 0)
        #expect(try logNames(dir) == ["partitions", "59.compact"])
    }

    @Test func aDamagedCompactFileIsRefusedNamingIt() throws {
        let dir = TempDir()
        let source = try makeFileSource(dir)
        _ = try feed(source, dir, files: 0..<10, from: nil)
        let path = dir.sub("log", "9.compact")
        var bytes = try FileSystem.read(path)
        bytes[5] ^= 1
        try FileSystem.remove(path)
        try DurableFile.writeNew(path, bytes)
        #expect {
            try makeFileSource(dir)
        } throws: { e in
            (e as? CheckpointError) == .damaged(path: path, reason: "checksum mismatch: the content changed after it was written")
        }
    }

    /// A log written before compaction existed (plain entries only) loads, and compacts later.
    @Test func aLogWithoutCompactFilesLoads() throws {
        let dir = TempDir()
        let old = try BatchLog(directory: dir.sub("log"))
        for f in 0..<12 {
            try writeEvents(dir.sub("in"), String(format: "f%05d.jsonl", f), ids: f..<(f + 1))
            let attrs = try FileSystem.attributes(dir.sub("in", String(format: "f%05d.jsonl", f)))
            let line = try JSONEncoder.sorted.encode(ListedFile(path: String(format: "f%05d.jsonl", f), size: attrs.size, modifiedMillis: attrs.modifiedMillis))
            try old.write(Int64(f), lines: [String(decoding: line, as: UTF8.self)])
        }
        let source = try makeFileSource(dir)
        let end = try feed(source, dir, files: 12..<20, from: SourceOffset(json: #"{"logOffset":11}"#))
        #expect(end == SourceOffset(json: #"{"logOffset":19}"#))
        #expect(try logNames(dir) == ["partitions", "19.compact"])
        #expect(try FileSourceLog(directory: dir.sub("log")).files(through: 19).count == 20)
    }

    @Test func pathsWithBackslashesAndNewlinesSurviveTheCompactFormat() throws {
        let dir = TempDir()
        let log = try FileSourceLog(directory: dir.sub("log"))
        let files = ["a\\b.jsonl", "line\nbreak.jsonl", "tab\there.jsonl", "ünï.jsonl"].enumerated().map {
            ListedFile(path: $0.element, size: Int64($0.offset), modifiedMillis: -5)
        }
        var seen = SeenFiles()
        seen.append(Array(files.prefix(3)), logId: 4, listing: 0)
        try log.writeCompact(9, remembered: seen, taken: [files[3]])
        var loaded = SeenFiles()
        #expect(try log.load(into: &loaded) == 9)
        #expect(loaded.files(after: -1, through: 8) == Array(files.prefix(3)))
        #expect(loaded.files(after: 8, through: 9) == [files[3]])
    }
}

// MARK: - Default admission limit

@Suite struct FileSourceDefaultLimitTests {
    @Test func withNoLimitSetABatchTakesAtMostTheDefaultNumberOfFiles() throws {
        #expect(FileSourceOptions().fileReadLimit == .maxFilesAndBytes(1000, 1 << 30))
        var bytesOnly = FileSourceOptions()
        bytesOnly.maxBytesPerTrigger = 100
        #expect(bytesOnly.fileReadLimit == .maxBytes(100))
        // The Delta source keeps "no limit" as the user's setting.
        #expect(FileSourceOptions().readLimit == .all)

        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        for f in 0..<1001 { try DurableFile.writeNew(dir.sub("in", String(format: "f%05d.jsonl", f)), Array(#"{"id":\#(f)}"#.utf8)) }
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("default-limit-\(UUID())")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(q.recentProgress.map(\.numInputRows) == [1000, 1])
    }
}

@Suite struct SeenFilesTests {
    @Test func lookupsSurviveGrowthForgettingAndRebuilds() {
        var seen = SeenFiles()
        let files = (0..<1000).map { ListedFile(path: "d=\($0 % 7)/f\($0).jsonl", size: Int64($0), modifiedMillis: Int64($0)) }
        for (i, f) in files.enumerated() { seen.append([f], logId: Int64(i / 10), listing: 1) }
        #expect(seen.count == 1000 && files.allSatisfy { seen.contains($0.path) } && !seen.contains("d=0/f1000.jsonl"))
        // Listing 2 finds only the odd files; the even ones before mtime 700 through entry 79 are forgotten.
        for f in files where f.size % 2 == 1 { #expect(seen.observe(f, otherPaths: [], listing: 2) == .known) }
        #expect(seen.forget(missingFrom: 2, modifiedBefore: 700, through: 79) == 350)
        #expect(seen.count == 650)
        #expect(!seen.contains("d=0/f0.jsonl") && seen.contains("d=1/f1.jsonl") && seen.contains("d=0/f700.jsonl"))
        // A forgotten path logged again is remembered again.
        seen.append([files[0]], logId: 100, listing: 2)
        #expect(seen.contains(files[0].path))
        #expect(seen.files(after: 99, through: 100) == [files[0]])
        #expect(seen.files(after: -1, through: 0).map(\.path) == ["d=1/f1.jsonl", "d=3/f3.jsonl", "d=5/f5.jsonl", "d=0/f7.jsonl", "d=2/f9.jsonl"])
        // Forgetting more than half rebuilds the index; everything left is still found.
        #expect(seen.forget(missingFrom: 3, modifiedBefore: 990, through: 99) > 0)
        #expect(seen.count == 11)
        #expect(files[990...].allSatisfy { seen.contains($0.path) } && seen.contains(files[0].path) && !seen.contains(files[1].path))
        let changed = ListedFile(path: files[995].path, size: 1, modifiedMillis: 995)
        #expect(seen.observe(changed, otherPaths: [], listing: 4) == .changed(before: files[995]))
        #expect(seen.observe(changed, otherPaths: [], listing: 5) == .known)
    }
}
