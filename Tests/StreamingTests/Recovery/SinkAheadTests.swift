import Foundation
import Testing

@testable import Streaming

/// The checkpoint is older than the Delta table (restored from an older backup): the query is
/// refused before it plans anything, and `sluice recover` rolls the table back to the checkpoint.
@Suite struct SinkAheadTests {
    static func start(_ dir: TempDir, maxFiles: Int = 1) throws -> StreamingQuery {
        try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(maxFiles)).load(dir.sub("in"))
            .writeStream.format(.delta(dir.sub("t"))).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
    }

    /// Batches 0...2 checkpointed and backed up, 3...6 written, then the old checkpoint restored.
    static func restoredOlderCheckpoint() throws -> TempDir {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<3)
        try start(dir).awaitTermination()
        try copyTree(dir.sub("cp"), to: dir.sub("cp-backup"))
        try writeHundreds(dir, files: 3..<7)
        try start(dir).awaitTermination()
        try restore(dir.sub("cp-backup"), to: dir.sub("cp"))
        return dir
    }

    @Test func olderCheckpointIsRefusedNamingBothBatchesThenRecoverAndRestartWriteEveryRowOnce() throws {
        let dir = try Self.restoredOlderCheckpoint()
        let versionBefore = try DeltaTable(path: dir.sub("t")).snapshot().version
        // New files arrive, and the batches would now be cut differently: without the check the
        // re-planned batches 3...6 were skipped as done and files 7 and 8 never reached the table.
        try writeHundreds(dir, files: 7..<9)
        do {
            _ = try Self.start(dir, maxFiles: 2)
            Issue.record("a checkpoint older than the table must be refused")
        } catch let e as SinkCheckError {
            guard case .sinkAhead(_, _, let sinkBatch, let committed, _, _) = e else { Issue.record("wrong case \(e)"); return }
            #expect(sinkBatch == 6 && committed == 2)
            let text = e.description
            #expect(text.contains("holds batch 6") && text.contains("committed batch 2"))
            // The table's batch is located by its commit, with the offsets it ended at.
            #expect(text.contains("table version 6") && text.contains(#"end offsets [{"logOffset":6}]"#))
            #expect(text.contains("sluice recover \(dir.sub("cp"))"))
        }
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == versionBefore)

        let report = try CheckpointRecovery(checkpoint: dir.sub("cp")).repair()
        guard case .rolledBack(let result) = report.outcome else {
            Issue.record("expected a rollback: \(report)")
            return
        }
        #expect(result.undoneVersions == [3, 4, 5, 6] && result.transactionAfter == 2 && result.filesRemoved == 4)
        #expect(report.message.contains("batch 2"))
        #expect(try deltaIds(dir.sub("t")) == (0..<300).map(Int64.init))

        try Self.start(dir, maxFiles: 2).awaitTermination()
        #expect(try deltaIds(dir.sub("t")) == (0..<900).map(Int64.init))
        // A second recover finds nothing to do.
        #expect(try CheckpointRecovery(checkpoint: dir.sub("cp")).repair().outcome == .nothingToRepair)
    }

    @Test func recoverRestoresFilesAQueryRemovedInCompleteMode() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<2)
        func start() throws {
            try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .groupBy(col("user")).agg(count().as("n"))
                .writeStream.format(.delta(dir.sub("t"))).outputMode(.complete).checkpointLocation(dir.sub("cp"))
                .trigger(.availableNow).start().awaitTermination()
        }
        func counts() throws -> [String] {
            try DeltaTable(path: dir.sub("t")).snapshot().read(columns: ["user", "n"]).batch.rows.map { "\($0)" }.sorted()
        }
        try start()
        let atBatch1 = try counts()
        try copyTree(dir.sub("cp"), to: dir.sub("cp-backup"))
        try writeHundreds(dir, files: 2..<4)
        try start()
        let atBatch3 = try counts()
        try restore(dir.sub("cp-backup"), to: dir.sub("cp"))
        #expect(throws: SinkCheckError.self) { try start() }
        let report = try CheckpointRecovery(checkpoint: dir.sub("cp"), table: dir.sub("t")).repair()
        guard case .rolledBack(let result) = report.outcome else { Issue.record("\(report)"); return }
        // Complete mode replaced the table's files each batch: the rollback brings batch 1's back.
        #expect(result.filesRestored > 0)
        #expect(try counts() == atBatch1)
        try start()
        #expect(try counts() == atBatch3)
    }

    @Test func recoverRefusesWhenOptimizeCompactedTheFilesToRollBack() throws {
        let dir = try Self.restoredOlderCheckpoint()
        let optimized = try DeltaTable(path: dir.sub("t")).optimize()
        let version = try #require(optimized.version)
        let report = try CheckpointRecovery(checkpoint: dir.sub("cp")).repair()
        #expect(report.outcome == .cannotRepair)
        #expect(report.message.contains("version \(version) (OPTIMIZE)"), "\(report)")
        #expect(report.message.contains("holds batch 6") && report.message.contains("committed batch 2"))
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == version)
    }

    @Test func recoverRefusesWhenAFileToBringBackWasVacuumed() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<1)
        func start() throws {
            try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
                .groupBy(col("user")).agg(count().as("n"))
                .writeStream.format(.delta(dir.sub("t"))).outputMode(.complete).checkpointLocation(dir.sub("cp"))
                .trigger(.availableNow).start().awaitTermination()
        }
        try start()
        try copyTree(dir.sub("cp"), to: dir.sub("cp-backup"))
        try writeHundreds(dir, files: 1..<2)
        try start()
        _ = try DeltaTable(path: dir.sub("t")).vacuum(retentionMillis: 0, force: true)
        try restore(dir.sub("cp-backup"), to: dir.sub("cp"))
        let report = try CheckpointRecovery(checkpoint: dir.sub("cp")).repair()
        #expect(report.outcome == .cannotRepair)
        #expect(report.message.contains("was deleted (vacuum?)"), "\(report)")
    }

    @Test func recoverExplainsATableBehindThatTheNextStartRepairs() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<3)
        try Self.start(dir).awaitTermination()
        try FileSystem.remove(dir.sub("t", "_delta_log", "00000000000000000002.json"))
        let report = try CheckpointRecovery(checkpoint: dir.sub("cp")).repair()
        #expect(report.outcome == .nothingToRepair)
        #expect(report.message.contains("lost batches 2...2") && report.message.contains("next start re-applies"))
    }

    @Test func recoverOnAMemorySinkCheckpointSaysWhatItRepairs() throws {
        let dir = TempDir()
        try writeHundreds(dir, files: 0..<1)
        try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("rec-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        let report = try CheckpointRecovery(checkpoint: dir.sub("cp")).repair()
        #expect(report.outcome == .cannotRepair)
        #expect(report.message.contains("MemorySink") && report.message.contains("Delta tables only"))
    }

    @Test func crossCheckOutcomes() {
        func outcome(_ k: Int64?, _ e: Int64?, _ p: Int64?, _ s: Int64) -> SinkCrossCheck.Outcome {
            SinkCrossCheck(committed: k, expectedSinkBatch: e, pending: p, sinkBatch: s).outcome
        }
        #expect(outcome(nil, nil, nil, -1) == .consistent)
        #expect(outcome(nil, nil, 0, 0) == .consistent)  // crashed after the sink took batch 0
        #expect(outcome(nil, nil, nil, 0) == .ahead)
        #expect(outcome(5, 5, nil, 5) == .consistent)
        #expect(outcome(5, 3, 6, 3) == .consistent)  // 4 and 5 were empty; 6 not yet in the sink
        #expect(outcome(5, 3, 6, 6) == .consistent)
        #expect(outcome(5, 3, nil, 4) == .ahead)
        #expect(outcome(5, 5, nil, 7) == .ahead)
        #expect(outcome(5, 5, 6, 7) == .ahead)
        #expect(outcome(5, 5, nil, 2) == .behind(3...5))
        #expect(outcome(5, 5, nil, -1) == .behind(0...5))
        #expect(outcome(5, nil, nil, 2) == .consistent)  // commit file from before the field: only "ahead" is known
        #expect(outcome(5, nil, nil, 9) == .ahead)
    }
}
