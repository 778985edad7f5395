import Foundation
import Testing

@testable import Streaming

/// Files of 100 events each (ids f*100 ..< f*100+100), one per batch.
func writeHundreds(_ dir: TempDir, files: Range<Int>) throws {
    for f in files where !FileSystem.exists(dir.sub("in", "f\(f).jsonl")) {
        try writeEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 100..<(f * 100 + 100))
    }
}

/// The ids in a Delta table, sorted (duplicates kept).
func deltaIds(_ path: String) throws -> [Int64] {
    let rows = try DeltaTable(path: path).snapshot().read(columns: ["id"]).batch.rows
    return rows.map { if case .int64(let x) = $0[0] { return x } else { return -1 } }.sorted()
}

/// Replaces `target` with a copy of `source` (a backup being restored).
func restore(_ source: String, to target: String) throws {
    try FileSystem.removeTree(target)
    try FileManager.default.copyItem(atPath: source, toPath: target)
}

func copyTree(_ source: String, to target: String) throws {
    try FileManager.default.copyItem(atPath: source, toPath: target)
}

/// The Delta table lost batches the checkpoint committed (its last commit file, a restore from
/// an older backup, the whole table): the next start re-applies them exactly, from the logged
/// offsets, or refuses naming both positions when the checkpoint no longer has what they need.
@Suite struct SinkBehindTests {
    static func start(
        _ dir: TempDir, maxFiles: Int = 1, retain: Int64 = 100, filter: Expr? = nil
    ) throws -> StreamingQuery {
        var stream = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(maxFiles)).load(dir.sub("in"))
        if let filter { stream = stream.filter(filter) }
        return try stream.writeStream.format(.delta(dir.sub("t"))).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
            .retainingBatches(retain).start()
    }

    static let all = (0..<700).map(Int64.init)

    @Test func lostLastCommitFileIsReappliedOnRestart() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<7)
        let first = try Self.start(dir)
        try first.awaitTermination()
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 6)
        try FileSystem.remove(dir.sub("t", "_delta_log", "00000000000000000006.json"))
        #expect(try deltaIds(dir.sub("t")).count == 600)

        let restarted = try Self.start(dir)
        try restarted.awaitTermination()
        #expect(try deltaIds(dir.sub("t")) == Self.all)
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.transactionVersion(restarted.id) == 6)
        // Re-applied batches write no progress of their own and no new batch ran.
        #expect(restarted.recentProgress.isEmpty)
    }

    /// A crash in the middle of re-applying leaves the table further along but still behind;
    /// the next start re-applies the rest.
    @Test(arguments: [FaultPoint.afterStateCommit, .afterSinkCommit])
    func crashWhileReapplyingThenRestartLeavesEveryRowOnce(fault: FaultPoint) throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<7)
        try Self.start(dir).awaitTermination()
        for v in [6, 5, 4] { try FileSystem.remove(dir.sub("t", "_delta_log", "0000000000000000000\(v).json")) }
        let crashing = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .writeStream.format(.delta(dir.sub("t"))).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
            .faultInjection { p, b in if p == fault && b == 5 { throw InjectedFault(point: p, batchId: b) } }
            .start()
        #expect(throws: InjectedFault.self) { try crashing.awaitTermination() }
        #expect(try deltaIds(dir.sub("t")).count == (fault == .afterSinkCommit ? 600 : 500))
        try Self.start(dir).awaitTermination()
        #expect(try deltaIds(dir.sub("t")) == Self.all)
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 6)
    }

    /// The last batch was empty, so the table's txn stops one batch before the checkpoint: only
    /// the batch recorded in `commits/N` as the sink's last tells the lost commit apart.
    @Test func lostCommitBeforeEmptyBatchesIsReapplied() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<7)
        // File 6 holds ids 600..699: all filtered out, so batch 6 commits nothing to the table.
        try Self.start(dir, filter: col("id") < 600).awaitTermination()
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 5)
        try FileSystem.remove(dir.sub("t", "_delta_log", "00000000000000000005.json"))
        try Self.start(dir, filter: col("id") < 600).awaitTermination()
        #expect(try deltaIds(dir.sub("t")) == (0..<600).map(Int64.init))
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 5)
    }

    @Test func tableRestoredFromAnOlderCopyIsReappliedExactly() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<3)
        try Self.start(dir).awaitTermination()
        try copyTree(dir.sub("t"), to: dir.sub("backup"))
        try writeHundreds(dir, files: 3..<7)
        try Self.start(dir).awaitTermination()
        try restore(dir.sub("backup"), to: dir.sub("t"))
        #expect(try deltaIds(dir.sub("t")).count == 300)

        try writeHundreds(dir, files: 7..<8)
        let q = try Self.start(dir)
        try q.awaitTermination()
        #expect(try deltaIds(dir.sub("t")) == (0..<800).map(Int64.init))
        // Batches 3...6 re-applied, then batch 7 ran as new.
        #expect(q.recentProgress.map(\.batchId) == [7])
    }

    @Test func deletedTableIsRebuiltFromTheRetainedBatches() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<7)
        try Self.start(dir).awaitTermination()
        try FileSystem.removeTree(dir.sub("t"))
        try Self.start(dir).awaitTermination()
        #expect(try deltaIds(dir.sub("t")) == Self.all)
    }

    @Test func deletedTableIsRefusedWhenTheCheckpointNoLongerHasTheFirstBatches() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<7)
        try Self.start(dir, retain: 3).awaitTermination()
        #expect(!FileSystem.exists(dir.sub("cp", "offsets", "0")))
        try FileSystem.removeTree(dir.sub("t"))
        do {
            _ = try Self.start(dir, retain: 3)
            Issue.record("a table that lost batches the checkpoint cannot re-run must be refused")
        } catch let e as SinkCheckError {
            guard case .sinkBehind(_, _, let sinkBatch, let committed, _, _) = e else { Issue.record("wrong case \(e)"); return }
            #expect(sinkBatch == -1 && committed == 6)
            let text = e.description
            #expect(text.contains("holds no batch") && text.contains("committed batch 6"))
            #expect(text.contains(dir.sub("cp", "offsets", "0")))
            #expect(text.contains("restore the sink's backup") && text.contains("new checkpointLocation"))
        }
        // Refused before anything was written.
        #expect(!FileSystem.exists(dir.sub("t")))
    }

    /// A windowed aggregation: the re-run batches load the old state versions and commit the
    /// same next versions, so the table ends equal to a run where nothing was lost.
    @Test func statefulQueryBehindIsReappliedFromOldStateVersions() throws {
        func run(restoreTable: Bool) throws -> [String] {
            let dir = TempDir()
            try StatefulRestartTests.writeInput(dir)
            let hidden = dir.sub("later")
            try FileSystem.createDirectory(hidden)
            for f in 5..<StatefulRestartTests.files {
                let name = String(format: "%03d.jsonl", f)
                try FileSystem.rename(dir.sub("in", name), FilePaths.join(hidden, name))
            }
            func start() throws {
                try StatefulRestartTests.query(dir).writeStream.format(.delta(dir.sub("t")))
                    .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
            }
            try start()
            try copyTree(dir.sub("t"), to: dir.sub("backup"))
            for f in 5..<StatefulRestartTests.files {
                let name = String(format: "%03d.jsonl", f)
                try FileSystem.rename(FilePaths.join(hidden, name), dir.sub("in", name))
            }
            try start()
            if restoreTable {
                try restore(dir.sub("backup"), to: dir.sub("t"))
                // The re-run crosses state version 10, a snapshot, which it writes again.
                #expect(FileSystem.exists(dir.sub("cp", "state", "0", "0", "10.snapshot")))
                try start()
            }
            let rows = try DeltaTable(path: dir.sub("t")).snapshot().read(columns: ["window_start", "key", "n", "total"]).batch.rows
            return rows.map { "\($0)" }.sorted()
        }
        let expected = try run(restoreTable: false)
        #expect(expected.count > 20)
        #expect(try run(restoreTable: true) == expected)
    }

    /// Moving a query to a new table is not a lost table: the new one starts where the checkpoint
    /// is (as Spark allows a new output directory), even after a run that planned no batch there.
    @Test func aQueryMovedToANewTableContinuesThere() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<3)
        func start(_ table: String) throws {
            try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .writeStream.format(.delta(dir.sub(table))).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
                .awaitTermination()
        }
        try start("t1")
        try start("t2")
        #expect(!FileSystem.exists(dir.sub("t2")))
        try writeHundreds(dir, files: 3..<4)
        try start("t2")
        #expect(try deltaIds(dir.sub("t2")) == (300..<400).map(Int64.init))
        #expect(try deltaIds(dir.sub("t1")) == (0..<300).map(Int64.init))
    }

    /// Commit files written before `lastSinkBatch` existed stay readable; the next batch records it.
    @Test func commitFilesWithoutTheSinkBatchStayReadable() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<2)
        try Self.start(dir).awaitTermination()
        let commits = try CommitLog(checkpoint: CheckpointLayout(root: dir.sub("cp")))
        #expect(try commits.read(1)?.lastSinkBatch == 1)
        try commits.log.write(1, lines: [#"{"nextBatchWatermarkMicros":null}"#])
        #expect(try commits.read(1) == CommitMetadata(nextBatchWatermarkMicros: nil, lastSinkBatch: nil))
        try writeHundreds(dir, files: 2..<3)
        try Self.start(dir).awaitTermination()
        #expect(try deltaIds(dir.sub("t")) == (0..<300).map(Int64.init))
        #expect(try commits.read(2)?.lastSinkBatch == 2)
    }

    /// A memory table lives in its process: a new one on an old checkpoint holds nothing, and
    /// the retained batches are applied to it again.
    @Test func newMemoryTableOnAnOldCheckpointGetsTheRetainedBatches() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<3)
        let name = "behind-\(UUID())"
        func start() throws {
            try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .writeStream.format(.memory(name)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
                .awaitTermination()
        }
        try start()
        try start()
        let sink = try #require(MemoryTables.sink(name))
        #expect(ids(sink) == (0..<300).map(Int64.init))
        #expect(sink.appliedBatchIds == [0, 1, 2])
    }
}
