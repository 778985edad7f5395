import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// Expired log cleanup after checkpoints: old commits and checkpoints go, everything needed
/// for the newest state and for versions within `delta.logRetentionDuration` stays.
@Suite(.serialized) struct DeltaLogCleanupTests {
    /// `commits` appends (ids 0..<10*commits) with a checkpoint every 5 commits.
    func table(_ dir: DeltaTempDir, commits: Int, configuration: [String: String] = [:]) throws -> DeltaSink {
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"], configuration: ["delta.checkpointInterval": "5"].merging(configuration) { $1 })
        try sink.open(sinkContext("q"))
        for b in 0..<commits { try sink.addBatch(Int64(b), logRows(b * 10, 10)) }
        return sink
    }

    /// Dates log files of versions `< version` back to `daysAgo` days ago.
    func age(_ dir: DeltaTempDir, before version: Int64, daysAgo: Int64) throws {
        let log = DeltaLog(tablePath: dir.sub("t"))
        for name in try FileSystem.list(log.logPath) {
            guard let v = DeltaLogCleanup.expiredVersion(name), v < version else { continue }
            try setModified(FilePaths.join(log.logPath, name), millis: currentTimeMillis() - daysAgo * dayMillis)
        }
    }

    func expected(_ commits: Int) throws -> RecordBatch {
        try RecordBatch.concat((0..<commits).map { logRows($0 * 10, 10) }, schema: logSchema)
    }

    @Test func commitsOlderThanTheRetentionGoAfterTheNextCheckpoint() throws {
        let dir = DeltaTempDir()
        let sink = try table(dir, commits: 13)  // versions 0...12, checkpoints 5, 10
        try age(dir, before: 8, daysAgo: 40)  // 0...7 are 40 days old, 8...12 recent
        for b in 13..<15 { try sink.addBatch(Int64(b), logRows(b * 10, 10)) }
        let log = DeltaLog(tablePath: dir.sub("t"))
        #expect(try log.list().commits == Array(0...14))  // no checkpoint since: nothing cleaned
        try sink.addBatch(15, logRows(150, 10))  // version 15: checkpoint, then cleanup
        let listing = try log.list()
        // Cutoff commit 7 (the newest old one); newest checkpoint at or before it: 5.
        #expect(listing.commits == Array(5...15))
        #expect(listing.checkpoints == [5, 10, 15])
        // Every version from the cutoff checkpoint on is still readable, the newest state too.
        for v in Int64(5)...15 { #expect(try DeltaTable(path: dir.sub("t")).snapshot(version: v).version == v) }
        #expect(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).snapshot(version: 4) }
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(sortedRows(try snap.read().batch) == sortedRows(try expected(16)))
        #expect(snap.transactionVersion("q") == 15)
        if let rs = try deltaRsRows(dir.sub("t"), orderBy: "status") {
            #expect(rs.rows == (try canonicalRows(try expected(16), names: rs.names, orderBy: "status")))
        }
    }

    @Test func aYoungCommitInTheMiddleStopsTheCutoff() throws {
        let dir = DeltaTempDir()
        let sink = try table(dir, commits: 15)
        try age(dir, before: 15, daysAgo: 40)
        // Version 3 is recent (clock skew, a copied file): nothing from it on may go.
        try setModified(DeltaLog(tablePath: dir.sub("t")).commitPath(3), millis: currentTimeMillis())
        try sink.addBatch(15, logRows(150, 10))
        #expect(try DeltaLog(tablePath: dir.sub("t")).list().commits == Array(0...15))
    }

    @Test func cleanupKeepsEverythingWhenDisabledOrWithinRetention() throws {
        let off = DeltaTempDir()
        let a = try table(off, commits: 15, configuration: ["delta.enableExpiredLogCleanup": "false"])
        try age(off, before: 15, daysAgo: 400)
        try a.addBatch(15, logRows(150, 10))
        #expect(try DeltaLog(tablePath: off.sub("t")).list().commits == Array(0...15))

        let long = DeltaTempDir()
        let b = try table(long, commits: 15, configuration: ["delta.logRetentionDuration": "interval 60 days"])
        try age(long, before: 15, daysAgo: 40)
        try b.addBatch(15, logRows(150, 10))
        #expect(try DeltaLog(tablePath: long.sub("t")).list().commits == Array(0...15))

        let short = DeltaTempDir()
        let c = try table(short, commits: 15, configuration: ["delta.logRetentionDuration": "interval 2 days"])
        try age(short, before: 15, daysAgo: 3)
        try c.addBatch(15, logRows(150, 10))
        #expect(try DeltaLog(tablePath: short.sub("t")).list().commits == Array(10...15))
        #expect(sortedRows(try DeltaTable(path: short.sub("t")).snapshot().read().batch) == sortedRows(try expected(16)))
    }

    @Test func anUnreadableCheckpointIsNotUsedAsTheCutoff() throws {
        let dir = DeltaTempDir()
        let sink = try table(dir, commits: 15)
        try age(dir, before: 15, daysAgo: 40)
        let log = DeltaLog(tablePath: dir.sub("t"))
        // Checkpoint 10 is damaged: cleanup falls back to 5 and keeps the commits after it.
        try FileSystem.remove(log.checkpointPath(10))
        try DurableFile.writeNew(log.checkpointPath(10), Array("PAR1 garbage PAR1".utf8))
        try sink.addBatch(15, logRows(150, 10))
        #expect(try log.list().commits == Array(5...15))
        #expect(sortedRows(try DeltaTable(path: dir.sub("t")).snapshot().read().batch) == sortedRows(try expected(16)))
    }

    @Test func intervalsParseAsSparkWritesThem() {
        #expect(DeltaInterval.parseMillis("interval 1 week") == 7 * dayMillis)
        #expect(DeltaInterval.parseMillis("interval 30 days") == 30 * dayMillis)
        #expect(DeltaInterval.parseMillis("INTERVAL 2 days 12 hours") == Int64(60) * 3_600_000)
        #expect(DeltaInterval.parseMillis("168 hours") == 7 * dayMillis)
        #expect(DeltaInterval.parseMillis("interval 90 minutes 30 seconds") == 5_430_000)
        for bad in ["", "interval", "30", "interval 30 fortnights", "interval -1 days", "interval x days"] {
            #expect(DeltaInterval.parseMillis(bad) == nil)
        }
        #expect(DeltaLogCleanup.floorToDay(dayMillis + 5) == dayMillis)
        #expect(DeltaLogCleanup.floorToDay(-5) == -dayMillis)
    }
}
