import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// `add`/`remove` paths: relative URIs (percent-encoded) and absolute ones inside the table are
/// read; anything that resolves outside the table is refused, naming the path and version.
@Suite struct DeltaPathTests {
    /// A one-commit table (10 rows) and a data file of 3 rows written outside it.
    func tableAndStrayFile(_ dir: DeltaTempDir) throws -> (log: DeltaLog, stray: DeltaAddFile) {
        let sink = DeltaSink(path: dir.sub("t"))
        try sink.open(sinkContext("q"))
        try sink.addBatch(0, logRows(0, 10))
        let writer = DeltaFileWriter(tablePath: dir.sub("other"), schema: logSchema, partitionColumns: [])
        return (DeltaLog(tablePath: dir.sub("t")), try writer.write(logRows(100, 3))[0])
    }

    @Test(arguments: ["../other/{f}", "%2E%2E/other/{f}", "date=x/../../other/{f}", "{abs}", "file://{abs}", "file://localhost{abs}", "s3://bucket/{f}", "//host/{f}"])
    func pathsLeavingTheTableAreRefused(pattern: String) throws {
        let dir = DeltaTempDir()
        let (log, stray) = try tableAndStrayFile(dir)
        var add = stray
        add.path = pattern.replacingOccurrences(of: "{f}", with: stray.path)
            .replacingOccurrences(of: "{abs}", with: dir.sub("other", stray.path))
        _ = try log.write(1, [.add(add)])
        let e = try #require(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).snapshot() }
        #expect("\(e)".contains("add path '\(add.path)' at version 1"))
        #expect("\(e)".contains(log.commitPath(1)))
    }

    @Test func removePathsLeavingTheTableAreRefused() throws {
        let dir = DeltaTempDir()
        let (log, _) = try tableAndStrayFile(dir)
        _ = try log.write(1, [.remove(DeltaRemoveFile(path: "/etc/passwd", deletionTimestamp: 0, dataChange: true))])
        let e = try #require(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).snapshot() }
        #expect("\(e)".contains("remove path '/etc/passwd' at version 1"))
    }

    @Test func pathsInACheckpointAreCheckedToo() throws {
        let dir = DeltaTempDir()
        let (log, stray) = try tableAndStrayFile(dir)
        let good = try DeltaTable(path: dir.sub("t")).snapshot()
        var bad = stray
        bad.path = "../other/" + stray.path
        let forged = DeltaSnapshot(
            tablePath: good.tablePath, version: 1, tableProtocol: good.tableProtocol, metadata: good.metadata, schema: good.schema,
            files: good.files.merging([bad.path: bad]) { $1 }, tombstones: [:], transactions: good.transactions)
        try DeltaCheckpoint.write(forged, log: log)
        _ = try log.write(1, [.commitInfo(DeltaCommitInfo(timestamp: 0, operation: "WRITE"))])
        try FileSystem.remove(log.commitPath(0))
        let e = try #require(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).snapshot() }
        #expect("\(e)".contains("add path '\(bad.path)' at version 1") && "\(e)".contains(log.checkpointPath(1)))
    }

    @Test func absolutePathsAndFileURIsInsideTheTableAreReadAndKept() throws {
        let dir = DeltaTempDir()
        let (log, _) = try tableAndStrayFile(dir)
        let writer = DeltaFileWriter(tablePath: dir.sub("t"), schema: logSchema, partitionColumns: [])
        var absolute = try writer.write(logRows(20, 3))[0]
        absolute.path = dir.sub("t", absolute.path)
        var uri = try writer.write(logRows(30, 4))[0]
        uri.path = "file://" + DeltaPartition.uriEncode(dir.sub("t", "./" + uri.path))
        _ = try log.write(1, [.add(absolute), .add(uri)])
        let table = DeltaTable(path: dir.sub("t"))
        let expected = try RecordBatch.concat([logRows(0, 10), logRows(20, 3), logRows(30, 4)], schema: logSchema)
        #expect(sortedRows(try table.snapshot().read().batch) == sortedRows(expected))
        // Vacuum knows those files are live, whatever form their path takes.
        try setModifiedTree(dir.sub("t"), millis: currentTimeMillis() - 30 * dayMillis)
        #expect(try table.vacuum().deletedFiles.isEmpty)
        #expect(sortedRows(try table.snapshot().read().batch) == sortedRows(expected))
    }

    @Test func percentEncodedRelativePathsKeepWorking() throws {
        let dir = DeltaTempDir()
        let (log, _) = try tableAndStrayFile(dir)
        let writer = DeltaFileWriter(tablePath: dir.sub("t"), schema: logSchema, partitionColumns: [])
        var spaced = try writer.write(logRows(20, 3))[0]
        try FileSystem.createDirectory(dir.sub("t", "a b%c"))
        try FileSystem.rename(dir.sub("t", spaced.path), dir.sub("t", "a b%c", "x y.parquet"))
        spaced.path = "a%20b%25c/./x%20y.parquet"
        _ = try log.write(1, [.add(spaced)])
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().read().batch.rowCount == 13)
    }

    @Test func uriSchemesAreRecognisedOnlyWhereRFC2396SaysSo() {
        #expect(DeltaPaths.scheme(of: "file:///x") == "file")
        #expect(DeltaPaths.scheme(of: "s3a://b/x") == "s3a")
        #expect(DeltaPaths.scheme(of: "date=2026-11-25/x.parquet") == nil)
        #expect(DeltaPaths.scheme(of: "ts=10:00/x.parquet") == nil)
        #expect(DeltaPaths.scheme(of: "part-0.parquet") == nil)
        #expect(DeltaPaths.scheme(of: "1abc:x") == nil)
        #expect(DeltaPaths.normalize("a/./b/../c") == "a/c")
        #expect(DeltaPaths.normalize("a/../../c") == nil)
    }
}
