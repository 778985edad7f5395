import Foundation
import Synchronization
import Testing

@testable import Streaming

/// Backfill while the streaming query that writes the same table keeps running and files keep
/// arriving: every row of the replayed day once, other days untouched, and the table in the
/// end equal to a run from scratch.
@Suite struct ReplayBesideStreamTests {
    struct Outcome {
        var replay: ReplayResult
        var live: [String: [[Value]]]
        var reference: [String: [[Value]]]
    }

    /// Starts `query` as a processing-time stream (one file per batch) into a Delta table while a
    /// thread drops the input files in order; once the stream has consumed two files of the 22nd
    /// (three more of that day waiting), replays the 22nd while the dropper goes on; before the
    /// replay commits, waits for the stream to append more of the 22nd. Then lets the stream
    /// finish and runs the same query from scratch for reference.
    func runWithReplay(_ dir: TempDir, mode: OutputMode, query: @escaping (DayFiles) throws -> DataStream) throws -> Outcome {
        let files = DayFiles(root: dir.sub("in"))
        try FileSystem.createDirectory(files.root)
        let table = dir.sub("t")
        let all = DayFiles.all
        let gate = Mutex(false)
        let dropperDone = Mutex(false)
        let dropperError = Mutex<(any Error)?>(nil)
        // The source finds its `date=` partition column by listing at start: one file first.
        try files.write(day: all[0].day, file: all[0].file)
        // Days 20 and 21 and five files of the 22nd at once, the rest while the replay runs.
        let dropper = Thread {
            do {
                for (i, f) in all.enumerated().dropFirst() {
                    if i >= 17 {
                        while !gate.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.005) }
                        Thread.sleep(forTimeInterval: 0.03)
                    }
                    try files.write(day: f.day, file: f.file)
                }
            } catch { dropperError.withLock { $0 = error } }
            dropperDone.withLock { $0 = true }
        }
        dropper.start()

        let stream = try query(files).writeStream.format(.delta(table, partitionBy: ["date"])).outputMode(mode)
            .checkpointLocation(dir.sub("cp")).trigger(.processingTime(.milliseconds(20))).start()
        defer { stream.stop() }
        try waitUntil { consumedLogOffset(stream) >= 13 }

        gate.withLock { $0 = true }
        let hooks = ReplayHooks(beforeCommit: { _ in
            // The stream's batches after the replay's snapshot append to the 22nd: kept, not a conflict.
            try waitUntil { consumedLogOffset(stream) >= 16 }
        })
        let replay = try query(files).writeStream.format(.delta(table, partitionBy: ["date"])).outputMode(mode)
            .checkpointLocation(dir.sub("cp"))
            .replay(
                from: DayFiles.dayStart(22), to: DayFiles.dayStart(23), eventTime: "ts", options: ReplayOptions(), hooks: hooks)

        try waitUntil { dropperDone.withLock { $0 } }
        if let e = dropperError.withLock({ $0 }) { throw e }
        try waitUntil { consumedLogOffset(stream) == all.count - 1 }
        try stream.processAllAvailable()
        stream.stop()
        try stream.awaitTermination()

        try query(files).writeStream.format(.delta(dir.sub("ref"), partitionBy: ["date"])).outputMode(mode)
            .checkpointLocation(dir.sub("ref-cp")).trigger(.availableNow).start().awaitTermination()
        return Outcome(replay: replay, live: try rowsByDay(table), reference: try rowsByDay(dir.sub("ref")))
    }

    @Test func statelessReplayOfADayBesideARunningStreamKeepsEveryRowOnce() throws {
        let dir = TempDir()
        let outcome = try runWithReplay(dir, mode: .append) { try $0.filtered() }
        // The replay read the 22nd up to the stream's batch T only, and no file of another day.
        let t = try #require(outcome.replay.streamBatchId)
        #expect(outcome.replay.attempts == 1)
        #expect(outcome.replay.filesRead >= 2 && outcome.replay.filesRead <= DayFiles.filesPerDay)
        #expect(outcome.replay.filesPruned == 2 * DayFiles.filesPerDay)
        #expect(outcome.replay.filesRead == Int(t) + 1 - 2 * DayFiles.filesPerDay)
        #expect(outcome.live.keys.sorted() == (20...24).map(DayFiles.dayName))
        #expect(differences(outcome.live, outcome.reference) == nil)
        let ids = outcome.live.values.flatMap { $0 }.map { $0[0] }
        #expect(Set(ids).count == ids.count)
        #expect(outcome.live["2026-11-22"]?.count == DayFiles.filesPerDay * 9)
    }

    @Test func windowedAppendReplayBesideARunningStreamEmitsEachWindowOnce() throws {
        let dir = TempDir()
        let outcome = try runWithReplay(dir, mode: .append) { try $0.hourly() }
        // Windows the stream had not emitted at T were left to it: it emitted them later, once.
        #expect(outcome.replay.streamBatchId != nil)
        #expect(outcome.replay.filesPruned >= DayFiles.filesPerDay)
        #expect(differences(outcome.live, outcome.reference) == nil)
        for (_, rows) in outcome.live {
            let keys = rows.map { [$0[0], $0[2]] }
            #expect(Set(keys).count == keys.count)
        }
        // Every hour of the 22nd, for each of the three users.
        #expect(outcome.live["2026-11-22"]?.count == 24 * 3)
    }
}

/// Update mode: the replay writes every group of the replayed day as of the stream's batch T;
/// the stream's later merges update them by key.
@Suite struct ReplayUpdateModeTests {
    @Test func updateModeReplayBetweenTwoRunsOfTheStreamEqualsARunFromScratch() throws {
        let dir = TempDir()
        let files = DayFiles(root: dir.sub("in"))
        try FileSystem.createDirectory(files.root)
        let sink = SinkFormat.delta(dir.sub("t"), partitionBy: ["date"], mergeKeys: ["window_start", "user", "date"])
        func run(_ table: SinkFormat, _ checkpoint: String) throws {
            try files.hourly().writeStream.format(table).outputMode(.update).checkpointLocation(checkpoint)
                .trigger(.availableNow).start().awaitTermination()
        }
        // The stream has read the 20th to the first half of the 22nd.
        for f in DayFiles.all.prefix(15) { try files.write(day: f.day, file: f.file) }
        try run(sink, dir.sub("cp"))
        let r = try files.hourly().writeStream.format(sink).outputMode(.update).checkpointLocation(dir.sub("cp"))
            .replay(from: DayFiles.dayStart(21), to: DayFiles.dayStart(23), eventTime: "ts")
        #expect(r.streamBatchId != nil && r.filesRead == 9)
        // Every group of the two days as of T: all of the 21st, the hours of the 22nd read so far.
        #expect(r.outputRows == (24 + 12) * 3)
        for f in DayFiles.all.dropFirst(15) { try files.write(day: f.day, file: f.file) }
        try run(sink, dir.sub("cp"))
        try run(.delta(dir.sub("ref"), partitionBy: ["date"], mergeKeys: ["window_start", "user", "date"]), dir.sub("ref-cp"))
        #expect(differences(try rowsByDay(dir.sub("t")), try rowsByDay(dir.sub("ref"))) == nil)
    }
}
