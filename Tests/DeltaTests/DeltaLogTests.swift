import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// The log: put-if-absent commits, concurrent writers, replay rules, maintenance.
@Suite struct DeltaLogTests {
    @Test func commitsAreNeverOverwritten() throws {
        let dir = DeltaTempDir()
        let log = DeltaLog(tablePath: dir.sub("t"))
        #expect(try log.write(0, [.protocol(.default)]))
        #expect(try !log.write(0, [.protocol(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 1))]))
        #expect(try log.readCommit(0) == [.protocol(.default)])
        // No temporary files are left behind.
        #expect(try FileSystem.list(log.logPath) == ["00000000000000000000.json"])
    }

    @Test func concurrentWriterIsDetectedAndBothAppendsLand() throws {
        let dir = DeltaTempDir()
        let a = DeltaSink(path: dir.sub("t"))
        try a.open(sinkContext("writer-a"))
        try a.addBatch(0, logRows(0, 10))
        // Writer A commits while B is between reading version 0 and writing version 1.
        let tableA = DeltaTable(path: dir.sub("t")), tableB = DeltaTable(path: dir.sub("t"))
        let writer = DeltaFileWriter(tablePath: dir.sub("t"), schema: logSchema, partitionColumns: [])
        let filesA = try writer.write(logRows(10, 5)), filesB = try writer.write(logRows(15, 5))
        var builds = 0
        var rA: DeltaTable.CommitResult?
        let rB = try tableB.commit(DeltaCommitInfo(timestamp: nil, operation: "WRITE"), appTransaction: DeltaTxn(appId: "b", version: 0)) { base in
            builds += 1
            if builds == 1 {
                #expect(base?.version == 0)
                rA = try tableA.commit(DeltaCommitInfo(timestamp: nil, operation: "WRITE"), appTransaction: DeltaTxn(appId: "a2", version: 0)) { _ in filesA.map { .add($0) } }
            } else {
                #expect(base?.version == 1)
            }
            return filesB.map { .add($0) }
        }
        #expect(rA == .committed(version: 1))
        #expect(rB == .committed(version: 2))
        #expect(builds == 2)  // lost version 1, rebuilt on top of it
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(try snap.read().batch.rowCount == 20)
        #expect(snap.transactionVersion("a2") == 0 && snap.transactionVersion("b") == 0)
    }

    @Test func lostRaceAgainstOurOwnEarlierAttemptCommitsNothing() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"))
        try sink.open(sinkContext("q"))
        try sink.addBatch(0, logRows(0, 3))
        let stale = DeltaTable(path: dir.sub("t"))
        _ = try stale.snapshot()
        try sink.addBatch(1, logRows(3, 3))
        // A stale handle retrying batch 1 finds the txn in the winning commit.
        let r = try stale.commit(DeltaCommitInfo(timestamp: nil, operation: "STREAMING UPDATE"), appTransaction: DeltaTxn(appId: "q", version: 1)) { _ in [] }
        #expect(r == .alreadyCommitted(version: 1))
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 1)
    }

    @Test func concurrentChangeToReplacedPartitionIsAConflict() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        try sink.addBatch(0, logRows(0, 10))
        let replacer = DeltaTable(path: dir.sub("t"))
        let day = "2026-11-25"
        var attempts = 0
        #expect(throws: DeltaError.self) {
            try replacer.commit(DeltaCommitInfo(timestamp: nil, operation: "WRITE"), exclusive: { $0["date"] == day }) { base in
                attempts += 1
                try sink.addBatch(1, logRows(10, 10))  // a concurrent append touching both days
                return base!.addFiles.filter { $0.partitionValues["date"] == day }.map { .remove($0.remove(at: 0, dataChange: true)) }
            }
        }
        #expect(attempts == 1)
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 1)
    }

    @Test func unknownActionsAndFieldsAreIgnoredAndGapsAreErrors() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"))
        try sink.open(sinkContext("q"))
        try sink.addBatch(0, logRows(0, 3))
        let log = DeltaLog(tablePath: dir.sub("t"))
        let extra = "{\"domainMetadata\":{\"domain\":\"x\",\"configuration\":\"{}\",\"removed\":false}}\n{\"txn\":{\"appId\":\"z\",\"version\":5,\"future\":1}}\n\n"
        try DurableFile.writeNew(log.commitPath(1), Array(extra.utf8))
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 1 && snap.transactionVersion("z") == 5)
        try DurableFile.writeNew(log.commitPath(3), Array(extra.utf8))
        #expect(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).snapshot() }
    }

    @Test func readerAndWriterFeaturesAreChecked() throws {
        let dir = DeltaTempDir()
        let log = DeltaLog(tablePath: dir.sub("t"))
        let meta = DeltaMetadata(id: "x", schemaString: DeltaSchema.json(logSchema), partitionColumns: [])
        _ = try log.write(0, [.protocol(DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"])), .metaData(meta)])
        #expect(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).snapshot() }
    }

    @Test func optimizeCompactsWithoutDataChangeAndVacuumDeletesOldFiles() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        for b in 0..<4 { try sink.addBatch(Int64(b), logRows(b * 10, 10)) }
        let table = DeltaTable(path: dir.sub("t"))
        let before = try table.snapshot()
        #expect(before.files.count == 8)
        let rows = sortedRows(try before.read().batch)
        let result = try table.optimize()
        #expect(result.filesRemoved == 8 && result.filesAdded == 2 && result.partitionsCompacted == 2)
        let after = try table.snapshot()
        #expect(after.files.count == 2)
        #expect(sortedRows(try after.read().batch) == rows)
        let commit = try #require(try table.commitActions(version: after.version))
        for a in commit {
            if case .add(let f) = a { #expect(!f.dataChange) }
            if case .remove(let r) = a { #expect(!r.dataChange) }
        }
        // Nothing left to compact.
        #expect(try table.optimize().version == nil)
        // The removed files are still there for time travel until vacuum.
        #expect(try table.vacuum().deletedFiles.isEmpty)  // default retention: a week
        let vacuumed = try table.vacuum(retentionMillis: 0, force: true)
        #expect(vacuumed.deletedFiles.count == 8)
        #expect(sortedRows(try table.snapshot().read().batch) == rows)
        #expect(FileSystem.exists(dir.sub("t", "_delta_log", "00000000000000000000.json")))
    }
}
