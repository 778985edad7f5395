import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// Vacuum: never follows links or leaves the table, refuses short retentions unless forced,
/// never deletes files a writer is about to commit or readers of recent versions still use.
@Suite struct DeltaVacuumTests {
    /// A table partitioned by date with two commits (four files, 20 rows).
    func twoCommitTable(_ dir: DeltaTempDir, configuration: [String: String] = [:]) throws -> DeltaTable {
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"], configuration: configuration)
        try sink.open(sinkContext("q"))
        try sink.addBatch(0, logRows(0, 10))
        try sink.addBatch(1, logRows(10, 10))
        return DeltaTable(path: dir.sub("t"))
    }

    @Test func vacuumNeverFollowsSymbolicLinksNorDeletesOutsideTheTable() throws {
        let dir = DeltaTempDir()
        let table = try twoCommitTable(dir)
        let old = currentTimeMillis() - 30 * dayMillis
        // Outside the table: a directory and a file, both old enough to be vacuumed.
        try FileSystem.createDirectory(dir.sub("outside", "deep"))
        try DurableFile.writeNew(dir.sub("outside", "precious.parquet"), Array("keep".utf8))
        try DurableFile.writeNew(dir.sub("outside", "deep", "more.parquet"), Array("keep".utf8))
        try setModifiedTree(dir.sub("outside"), millis: old)
        // Links inside the table: to that directory (at the root and inside a partition) and to the file.
        #expect(symlink(dir.sub("outside"), dir.sub("t", "linked-dir")) == 0)
        #expect(symlink(dir.sub("outside"), dir.sub("t", "date=2026-11-25", "nested-link")) == 0)
        #expect(symlink(dir.sub("outside", "precious.parquet"), dir.sub("t", "date=2026-11-26", "link.parquet")) == 0)
        // A real orphan inside the table is still deleted.
        try DurableFile.writeNew(dir.sub("t", "date=2026-11-25", "orphan.parquet"), Array("x".utf8))
        try setModified(dir.sub("t", "date=2026-11-25", "orphan.parquet"), millis: old)

        let r = try table.vacuum(retentionMillis: 0, force: true)
        #expect(r.deletedFiles == ["date=2026-11-25/orphan.parquet"])
        #expect(r.skippedLinks == ["date=2026-11-25/nested-link", "date=2026-11-26/link.parquet", "linked-dir"])
        #expect(FileSystem.exists(dir.sub("outside", "precious.parquet")))
        #expect(FileSystem.exists(dir.sub("outside", "deep", "more.parquet")))
        // The links themselves stay too: they are not the engine's files.
        #expect(FileSystem.exists(dir.sub("t", "linked-dir", "precious.parquet")))
        #expect(FileSystem.exists(dir.sub("t", "date=2026-11-26", "link.parquet")))
        #expect(try missingReferencedFiles(dir.sub("t")).isEmpty)
        #expect(try table.snapshot().read().batch.rowCount == 20)
    }

    @Test func tableReachedThroughALinkIsVacuumedInPlace() throws {
        let dir = DeltaTempDir()
        let table = try twoCommitTable(dir)
        try DurableFile.writeNew(dir.sub("t", "orphan.parquet"), Array("x".utf8))
        try setModified(dir.sub("t", "orphan.parquet"), millis: currentTimeMillis() - 30 * dayMillis)
        #expect(symlink(dir.sub("t"), dir.sub("alias")) == 0)
        let r = try DeltaTable(path: dir.sub("alias")).vacuum()
        #expect(r.deletedFiles == ["orphan.parquet"])
        #expect(try table.snapshot().read().batch.rowCount == 20)
    }

    @Test func retentionBelowTheMinimumIsRefusedUnlessForced() throws {
        let dir = DeltaTempDir()
        let table = try twoCommitTable(dir)
        for hours: Int64 in [0, 1, 167] {
            let e = try #require(throws: DeltaError.self) { try table.vacuum(retentionMillis: hours * 3_600_000) }
            #expect("\(e)".contains("minimum of 7 days"))
            #expect("\(e)".contains("--force"))
        }
        #expect(try table.vacuum(retentionMillis: 168 * 3_600_000).retentionMillis == 168 * 3_600_000)
        #expect(try table.vacuum(retentionMillis: 0, force: true, dryRun: true).retentionMillis == 0)
        #expect(try table.vacuum().retentionMillis == DeltaTable.defaultVacuumRetentionMillis)

        // The table's own property sets the minimum and the default.
        let other = DeltaTempDir()
        let short = try twoCommitTable(other, configuration: ["delta.deletedFileRetentionDuration": "interval 2 days"])
        #expect(try short.vacuum().retentionMillis == 2 * dayMillis)
        #expect(try short.vacuum(retentionMillis: 48 * 3_600_000).retentionMillis == 2 * dayMillis)
        let e = try #require(throws: DeltaError.self) { try short.vacuum(retentionMillis: 47 * 3_600_000) }
        #expect("\(e)".contains("minimum of 2 days"))

        let broken = DeltaTempDir()
        let bad = try twoCommitTable(broken, configuration: ["delta.deletedFileRetentionDuration": "a while"])
        let b = try #require(throws: DeltaError.self) { try bad.vacuum() }
        #expect("\(b)".contains("delta.deletedFileRetentionDuration='a while'"))
    }

    @Test func filesAWriterHasNotCommittedYetSurviveAForcedVacuum() throws {
        let dir = DeltaTempDir()
        let table = try twoCommitTable(dir)
        // A writer has written its data files and not committed them yet.
        let writer = DeltaFileWriter(tablePath: dir.sub("t"), schema: logSchema, partitionColumns: ["date"])
        let pending = try writer.write(logRows(20, 10))
        #expect(try table.vacuum(retentionMillis: 0, force: true).deletedFiles.isEmpty)
        try table.commit(DeltaCommitInfo(timestamp: nil, operation: "WRITE")) { _ in pending.map { .add($0) } }
        #expect(try missingReferencedFiles(dir.sub("t")).isEmpty)
        #expect(try table.snapshot().read().batch.rowCount == 30)

        // Files of a write that crashed are deleted once past the grace period.
        let crashed = try writer.write(logRows(30, 10)).map(\.path).sorted()
        let later = currentTimeMillis() + DeltaTable.uncommittedFileGraceMillis + 60_000
        #expect(try table.vacuum(retentionMillis: 0, force: true, dryRun: false, now: later).deletedFiles == crashed)
        #expect(try table.snapshot().read().batch.rowCount == 30)
    }

    @Test func aCommitWhoseDataFileWasDeletedIsRefused() throws {
        let dir = DeltaTempDir()
        let table = try twoCommitTable(dir)
        let writer = DeltaFileWriter(tablePath: dir.sub("t"), schema: logSchema, partitionColumns: ["date"])
        let pending = try writer.write(logRows(20, 10))
        try FileSystem.remove(FilePaths.join(dir.sub("t"), pending[1].path))
        let e = try #require(throws: DeltaError.self) {
            try table.commit(DeltaCommitInfo(timestamp: nil, operation: "WRITE")) { _ in pending.map { .add($0) } }
        }
        #expect("\(e)".contains(pending[1].path) && "\(e)".contains("nothing was committed"))
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 1)
    }

    @Test func removedFilesAgeFromTheirRemovalNotTheirWriting() throws {
        let dir = DeltaTempDir()
        let table = try twoCommitTable(dir)
        try setModifiedTree(dir.sub("t"), millis: currentTimeMillis() - 30 * dayMillis)
        let compacted = try table.optimize()
        #expect(compacted.filesRemoved == 4)
        // Written 30 days ago, removed just now: readers of version 1 still need them.
        #expect(try table.vacuum().deletedFiles.isEmpty)
        let weekLater = currentTimeMillis() + DeltaTable.defaultVacuumRetentionMillis + 60_000
        #expect(try table.vacuum(retentionMillis: nil, force: false, dryRun: false, now: weekLater).deletedFiles.count == 4)
        #expect(try missingReferencedFiles(dir.sub("t")).isEmpty)
        #expect(try table.snapshot().read().batch.rowCount == 20)
    }

    @Test func reservedDirectoriesAreSkippedButUnderscorePartitionsAreNot() throws {
        let dir = DeltaTempDir()
        let schema = Schema([Field("v", .int64), Field("_p", .string)])
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["_p"])
        try sink.open(sinkContext("q", schema: schema))
        try sink.addBatch(0, try RecordBatch.fromRows([[.int64(1), .string("a")]], schema: schema))
        for d in ["_tmp", ".hidden", "_p=a"] {
            try FileSystem.createDirectory(dir.sub("t", d))
            try DurableFile.writeNew(dir.sub("t", d, "stale.parquet"), Array("x".utf8))
        }
        try DurableFile.writeNew(dir.sub("t", "_delta_log", "stray.txt"), Array("x".utf8))
        try setModifiedTree(dir.sub("t"), millis: currentTimeMillis() - 30 * dayMillis)
        let dry = try DeltaTable(path: dir.sub("t")).vacuum(dryRun: true)
        #expect(dry.deletedFiles == ["_p=a/stale.parquet"])
        #expect(FileSystem.exists(dir.sub("t", "_p=a", "stale.parquet")))
        let r = try DeltaTable(path: dir.sub("t")).vacuum()
        #expect(r.deletedFiles == dry.deletedFiles && !FileSystem.exists(dir.sub("t", "_p=a", "stale.parquet")))
        for kept in [dir.sub("t", "_tmp", "stale.parquet"), dir.sub("t", ".hidden", "stale.parquet"), dir.sub("t", "_delta_log", "stray.txt")] {
            #expect(FileSystem.exists(kept))
        }
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().read().batch.rowCount == 1)
    }

    @Test func tablesWithWriterFeaturesTheEngineLacksAreNotVacuumed() throws {
        let dir = DeltaTempDir()
        let log = DeltaLog(tablePath: dir.sub("t"))
        let meta = DeltaMetadata(id: "x", schemaString: DeltaSchema.json(logSchema), partitionColumns: [])
        _ = try log.write(0, [.protocol(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["changeDataFeed"])), .metaData(meta)])
        let e = try #require(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).vacuum() }
        #expect("\(e)".contains("changeDataFeed"))
    }
    @Test func aLongRunningWriterForgetsExpiredTombstones() throws {
        let dir = DeltaTempDir()
        // Complete mode removes every file each batch: two tombstones per batch.
        let sink = DeltaSink(
            path: dir.sub("t"), partitionBy: ["date"],
            configuration: ["delta.checkpointInterval": "5", "delta.deletedFileRetentionDuration": "interval 0 seconds"])
        try sink.open(sinkContext("q", mode: .complete))
        for b in 0..<31 { try sink.addBatch(Int64(b), logRows(b * 10, 10)) }
        let snap = try sink.table.snapshot()
        #expect(snap.version == 30)
        // Remembered: at most those of the last checkpoint's commit (version 30), not all 60.
        #expect(snap.tombstones.count <= 2, "\(snap.tombstones.count) tombstones")
        #expect(try snap.read().batch.rowCount == 10)
    }
}
