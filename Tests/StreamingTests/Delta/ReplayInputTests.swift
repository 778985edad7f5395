import Foundation
import Synchronization
import Testing

@testable import Streaming

/// What a replay reads: only the `date=` directories in range, in batches, and what it refuses.
@Suite struct ReplayInputTests {
    let day22 = DayFiles.dayStart(22), day23 = DayFiles.dayStart(23)

    /// A file under `date=2026-11-20/` whose line is malformed: reading it in failFast mode fails.
    func poison(_ files: DayFiles) throws {
        try DurableFile.writeNew(FilePaths.join(files.root, "date=2026-11-20", "part-99.jsonl"), Array("{not json\n".utf8))
    }

    @Test func onlyTheFilesOfTheDaysInRangeAreOpened() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        try poison(files)
        let writer = try files.filtered(failFast: true).writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"]))
        let r = try writer.replay(from: day22, to: day23, eventTime: "ts")
        #expect(r.filesRead == DayFiles.filesPerDay)
        #expect(r.filesPruned == (DayFiles.days - 1) * DayFiles.filesPerDay + 1)
        #expect(r.rowsRead == DayFiles.filesPerDay * DayFiles.rowsPerFile)
        #expect(try rowsByDay(dir.sub("t")).keys.sorted() == ["2026-11-22"])

        // The same replay without pruning opens the poisoned file of the 20th and fails on it.
        var options = ReplayOptions()
        options.pruneDateDirectories = false
        let error = #expect(throws: (any Error).self) { try writer.replay(from: day22, to: day23, eventTime: "ts", options: options) }
        #expect("\(error!)".contains("part-99.jsonl"))
    }

    @Test func batchesOfOneFileGiveTheSameTableAsOneBatch() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        var small = ReplayOptions()
        small.maxFilesPerBatch = 1
        for (query, name) in [(try files.filtered(), "filtered"), (try files.hourly(), "hourly")] {
            let one = try query.writeStream.format(.delta(dir.sub("\(name)-one"), partitionBy: ["date"])).replay(from: day22, to: DayFiles.dayStart(24), eventTime: "ts")
            let many = try query.writeStream.format(.delta(dir.sub("\(name)-many"), partitionBy: ["date"]))
                .replay(from: day22, to: DayFiles.dayStart(24), eventTime: "ts", options: small)
            #expect(one.batches == 1 && many.batches == 2 * DayFiles.filesPerDay)
            #expect(one.outputRows == many.outputRows && one.outputRows > 0)
            // Output is buffered across batches into files, not written as one file per batch.
            #expect(many.filesAdded == 2)
            #expect(differences(try rowsByDay(dir.sub("\(name)-many")), try rowsByDay(dir.sub("\(name)-one"))) == nil)
        }
    }

    /// A replay runs once and is never restarted from, so its operators' state stays in memory:
    /// nothing is written under its scratch directory's `state/`, even across many batches.
    @Test func aStatefulReplayKeepsItsStateInMemory() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        var options = ReplayOptions()
        options.maxFilesPerBatch = 1
        let scratch = Mutex<String?>(nil)
        var hooks = ReplayHooks()
        hooks.scratch = { path in scratch.withLock { $0 = path } }
        hooks.beforeCommit = { _ in
            let dir = try #require(scratch.withLock { $0 })
            #expect(FileSystem.exists(dir))
            #expect(!FileSystem.exists(FilePaths.join(dir, "state")))
        }
        let r = try files.hourly().writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"]))
            .replay(from: day22, to: day23, eventTime: "ts", options: options, hooks: hooks)
        #expect(r.batches == DayFiles.filesPerDay && r.outputRows > 0)
        #expect(scratch.withLock { $0 } != nil)
    }

    @Test func aBatchIsReadFileByFileWithinItsByteBudget() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        let size = try FileSystem.attributes(FilePaths.join(files.root, "date=2026-11-22", "part-00.jsonl")).size
        var options = ReplayOptions()
        options.maxBytesPerBatch = size * 2
        let r = try files.filtered().writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"]))
            .replay(from: day22, to: day23, eventTime: "ts", options: options)
        #expect(r.batches == DayFiles.filesPerDay / 2)
    }

    @Test func slidingWindowsReadTheNeighbouringDaysAndKeepOnlyTheReplacedOnes() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        let query = try files.stream()
            .withWatermark("ts", delay: .minutes(10), maxAheadOfProcessingTime: nil)
            .groupBy(window(col("ts"), .hours(2), slide: .hours(1)), col("user"))
            .agg(count().as("n"))
            .withColumn("date", toDate(col("window_start")))
        let all = try query.writeStream.format(.delta(dir.sub("all"), partitionBy: ["date"]))
            .replay(from: DayFiles.dayStart(20), to: DayFiles.dayStart(25), eventTime: "ts")
        let one = try query.writeStream.format(.delta(dir.sub("one"), partitionBy: ["date"])).replay(from: day22, to: day23, eventTime: "ts")
        #expect(all.filesPruned == 0)
        // The day before and after are read (the windows at midnight need them), only the 22nd written.
        #expect(one.filesRead == 3 * DayFiles.filesPerDay)
        let expected = try rowsByDay(dir.sub("all"))["2026-11-22"]
        #expect(try rowsByDay(dir.sub("one")) == ["2026-11-22": expected!])
    }

    @Test func whatCannotBeReplayedExactlyIsRefusedWithTheReason() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        let table = dir.sub("t")
        func refused(_ writer: DataStreamWriter, _ reason: String) {
            let error = #expect(throws: QueryError.self) { try writer.replay(from: day22, to: day23, eventTime: "ts") }
            #expect("\(error.map { "\($0)" } ?? "")".contains(reason))
        }
        // No stream ran on the checkpoint.
        refused(try files.filtered().writeStream.format(.delta(table, partitionBy: ["date"])).checkpointLocation(dir.sub("none")), "no stream has run")
        // The stream has not committed a batch to this table: all its input is still its own.
        try files.runStream(try files.filtered(), table: dir.sub("elsewhere"), checkpoint: dir.sub("cp"))
        refused(try files.filtered().writeStream.format(.delta(table, partitionBy: ["date"])).checkpointLocation(dir.sub("cp")), "has no batch of the stream")

        let counts = try files.stream().withWatermark("ts", delay: .minutes(10)).groupBy(window(col("ts"), .hours(1)), col("user"))
            .agg(count().as("n")).withColumn("date", toDate(col("window_start")))
        refused(try counts.writeStream.format(.delta(table, partitionBy: ["date"])).outputMode(.complete).checkpointLocation(dir.sub("cp")), "complete mode")
        let sessions = try files.stream().withWatermark("ts", delay: .minutes(10)).groupBy(sessionWindow(col("ts"), .minutes(30)), col("user"))
            .agg(count().as("n")).withColumn("date", toDate(col("window_start")))
        refused(try sessions.writeStream.format(.delta(table, partitionBy: ["date"])).checkpointLocation(dir.sub("cp")), "session windows")
        let within = try files.stream().withWatermark("ts", delay: .minutes(10)).dropDuplicatesWithinWatermark("id").withColumn("date", toDate(col("ts")))
        refused(try within.writeStream.format(.delta(table, partitionBy: ["date"])), "dropDuplicatesWithinWatermark")
        let byUser = try files.stream().dropDuplicates("user").withColumn("date", toDate(col("ts")))
        refused(try byUser.writeStream.format(.delta(table, partitionBy: ["date"])), "add 'ts' to the columns")
        // A date partition not derived from the event time.
        let fixed = try files.stream().withColumn("date", lit(.date(0)))
        let error = #expect(throws: QueryError.self) {
            try fixed.writeStream.format(.delta(table, partitionBy: ["date"])).replay(from: day22, to: day23, eventTime: "ts")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("must be derived from the event time"))
        #expect(!DeltaTable.exists(at: table))
    }

    @Test func dropDuplicatesOnTheEventTimeColumnIsReplayedAcrossBatches() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        // A second copy of every file of the 22nd, in a later file: each row must come out once.
        for f in 0..<DayFiles.filesPerDay {
            let src = FilePaths.join(files.root, "date=2026-11-22", "part-\(String(format2: f)).jsonl")
            try DurableFile.writeNew(FilePaths.join(files.root, "date=2026-11-22", "resent-\(f).jsonl"), try FileSystem.read(src))
        }
        var options = ReplayOptions()
        options.maxFilesPerBatch = 1
        let r = try files.stream().dropDuplicates("id", "ts").withColumn("date", toDate(col("ts")))
            .writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"])).replay(from: day22, to: day23, eventTime: "ts", options: options)
        #expect(r.rowsRead == 2 * DayFiles.filesPerDay * DayFiles.rowsPerFile)
        #expect(r.outputRows == DayFiles.filesPerDay * DayFiles.rowsPerFile)
    }
}
