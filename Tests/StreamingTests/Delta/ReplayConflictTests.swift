import Foundation
import Synchronization
import Testing

@testable import Streaming

/// A replay's commit against the snapshot it read: concurrent blind appends stay, concurrent
/// removals or rewrites of the replaced days make it run again (or fail), never lose or double rows.
@Suite struct ReplayConflictTests {
    let day22 = DayFiles.dayStart(22), day23 = DayFiles.dayStart(23)

    /// All input streamed into `t` (checkpoint `cp`), one file per batch and commit.
    func streamedTable(_ dir: TempDir) throws -> (DayFiles, [String: [[Value]]]) {
        let files = DayFiles(root: dir.sub("in"))
        try files.writeAll()
        try files.runStream(try files.filtered(), table: dir.sub("t"), checkpoint: dir.sub("cp"))
        return (files, try rowsByDay(dir.sub("t")))
    }

    func replayer(_ files: DayFiles, _ dir: TempDir) throws -> DataStreamWriter {
        try files.filtered().writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"])).checkpointLocation(dir.sub("cp"))
    }

    @Test func aSecondReplayCommittingFirstMakesTheFirstRunAgainWithoutDuplicates() throws {
        let dir = TempDir()
        let (files, before) = try streamedTable(dir)
        let inner = Mutex<ReplayResult?>(nil)
        let writer = try replayer(files, dir)
        let outer = try writer.replay(
            from: day22, to: day23, eventTime: "ts", options: ReplayOptions(),
            hooks: ReplayHooks(beforeCommit: { attempt in
                // Another replay of the same day commits between this one's read and its commit.
                if attempt == 1 { inner.withLock { $0 = try? writer.replay(from: day22, to: day23, eventTime: "ts") } }
            }))
        let other = try #require(inner.withLock { $0 })
        #expect(other.attempts == 1 && outer.attempts == 2)
        // The second attempt replaced the other replay's files, read at the version it committed.
        #expect(outer.readVersion == other.version && outer.filesRemoved == other.filesAdded)
        #expect(differences(try rowsByDay(dir.sub("t")), before) == nil)
    }

    @Test func withOneAttemptTheConflictFailsClearlyAndTheTableKeepsTheWinner() throws {
        let dir = TempDir()
        let (files, before) = try streamedTable(dir)
        let writer = try replayer(files, dir)
        var options = ReplayOptions()
        options.maxAttempts = 1
        let error = #expect(throws: DeltaError.self) {
            try writer.replay(
                from: day22, to: day23, eventTime: "ts", options: options,
                hooks: ReplayHooks(beforeCommit: { _ in _ = try writer.replay(from: day22, to: day23, eventTime: "ts") }))
        }
        #expect("\(error!)".contains("which this commit also removes"))
        #expect(differences(try rowsByDay(dir.sub("t")), before) == nil)
        // The loser's data files were deleted: every Parquet file of the 22nd is live or was removed by a commit.
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        let onDisk = try FileSystem.list(dir.sub("t", "date=2026-11-22")).filter { $0.hasSuffix(".parquet") }.count
        let known = snap.files.keys.filter { $0.hasPrefix("date=2026-11-22/") }.count
            + snap.tombstones.keys.filter { $0.hasPrefix("date=2026-11-22/") }.count
        #expect(onDisk == known)
    }

    @Test func concurrentReplaysOnTwoThreadsLeaveEachRowOnce() throws {
        let dir = TempDir()
        let (files, before) = try streamedTable(dir)
        let writer = try replayer(files, dir)
        let results = Mutex<[Result<ReplayResult, any Error>]>([])
        let threads = (0..<2).map { _ in
            Thread { let r = Result { try writer.replay(from: day22, to: day23, eventTime: "ts") }; results.withLock { $0.append(r) } }
        }
        threads.forEach { $0.start() }
        try waitUntil { results.withLock { $0.count } == 2 }
        let done = try results.withLock { try $0.map { try $0.get() } }
        #expect(done.allSatisfy { $0.version != nil })
        #expect(differences(try rowsByDay(dir.sub("t")), before) == nil)
    }

    @Test func anOptimizeOfTheDayDuringTheReplayMakesItRunAgainOnTheCompactedFiles() throws {
        let dir = TempDir()
        let (files, before) = try streamedTable(dir)
        let compacted = Mutex<DeltaOptimizeResult?>(nil)
        let result = try replayer(files, dir).replay(
            from: day22, to: day23, eventTime: "ts", options: ReplayOptions(),
            hooks: ReplayHooks(beforeCommit: { attempt in
                if attempt == 1 { compacted.withLock { $0 = try? DeltaTable(path: dir.sub("t")).optimize() } }
            }))
        let optimize = try #require(compacted.withLock { $0 })
        #expect(optimize.filesRemoved == DayFiles.days * DayFiles.filesPerDay)
        #expect(result.attempts == 2 && result.filesRemoved == 1)
        #expect(differences(try rowsByDay(dir.sub("t")), before) == nil)
    }

    @Test func aBlindAppendToTheDayIsKeptAndAMergeIntoItIsAConflict() throws {
        let dir = TempDir()
        let (files, before) = try streamedTable(dir)
        let table = DeltaTable(path: dir.sub("t"))
        let schema = try table.snapshot().schema
        @Sendable func row(_ id: Int64) throws -> RecordBatch {
            let values: [Value] = schema.fields.map { f in
                switch f.name {
                case "id": return .int64(id)
                case "user": return .string("late")
                case "amount": return .double(5)
                case "ts": return .timestamp(day22 + 3_600_000_000)
                case "date": return .date(Int32(day22 / Timestamps.microsPerDay))
                default: return .null
                }
            }
            return try RecordBatch.fromRows([values], schema: schema)
        }
        // Another writer's blind append to the 22nd, between the replay's read and its commit: kept.
        let appender = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try appender.open(SinkContext(queryId: "other", queryName: nil, outputMode: .append, schema: schema))
        let kept = try replayer(files, dir).replay(
            from: day22, to: day23, eventTime: "ts", options: ReplayOptions(),
            hooks: ReplayHooks(beforeCommit: { attempt in if attempt == 1 { try appender.addBatch(0, try row(90_001)) } }))
        #expect(kept.attempts == 1)
        var expected = before
        expected["2026-11-22", default: []].append(try row(90_001).row(0))
        expected["2026-11-22"]!.sort { Value.compareRows($0, $1) < 0 }
        #expect(differences(try rowsByDay(dir.sub("t")), expected) == nil)

        // An update-mode merge into the 22nd is not a blind append: the replay must not commit over it.
        let merger = DeltaSink(path: dir.sub("t"), partitionBy: ["date"], mergeKeys: ["id", "date"])
        try merger.open(SinkContext(queryId: "merger", queryName: nil, outputMode: .update, schema: schema))
        var options = ReplayOptions()
        options.maxAttempts = 1
        let error = #expect(throws: DeltaError.self) {
            try replayer(files, dir).replay(
                from: day22, to: day23, eventTime: "ts", options: options,
                hooks: ReplayHooks(beforeCommit: { _ in try merger.addBatch(0, try row(90_002)) }))
        }
        #expect("\(error!)".contains("rewrote data in partition date=2026-11-22"))
    }
}
