import AWSTestSupport
import Foundation
import S3Storage
import Testing

@testable import Streaming

/// Streaming queries whose Delta table and checkpoint (offsets, commits, the file source's log,
/// state) are on S3 (moto): exactly once across a crash and restarts, and a second query on the
/// same checkpoint fenced out by the put-if-absent of the checkpoint's entries.
@Suite(.motoServer, .enabled(if: s3TestsEnabled, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct S3CheckpointTests {
    static func query(_ dir: LocalDir, table: String, checkpoint: String) throws -> DataStreamWriter {
        try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .writeStream.format(.delta(table)).checkpointLocation(checkpoint).trigger(.availableNow)
    }

    @Test func queryOnS3CrashesRestartsAndWritesEveryRowOnce() throws {
        let bucket = try S3Bucket()
        let dir = LocalDir()
        let table = bucket.uri("tables/events"), checkpoint = bucket.uri("checkpoints/events")
        try writeHundreds(dir, files: 0..<4)

        // Batch 2 reaches the table, then the query dies before `commits/2`.
        let crashing = try Self.query(dir, table: table, checkpoint: checkpoint)
            .faultInjection { p, b in if p == .afterSinkCommit && b == 2 { throw InjectedFault(point: p, batchId: b) } }
            .start()
        #expect(throws: InjectedFault.self) { try crashing.awaitTermination() }
        #expect(try deltaIds(table).count == 300)
        let keys = try bucket.keys(under: "checkpoints/events")
        #expect(keys.contains("offsets/2"))
        #expect(!keys.contains("commits/2"))
        #expect(keys.contains("metadata") && keys.contains("sources/0/0") && keys.contains("lock"))

        // The restart re-runs batch 2 (the table skips it) and goes on.
        let restarted = try Self.query(dir, table: table, checkpoint: checkpoint).start()
        try restarted.awaitTermination()
        #expect(restarted.id == crashing.id)
        #expect(try deltaIds(table) == (0..<400).map(Int64.init))

        // New input later: only the new rows are added.
        try writeHundreds(dir, files: 4..<6)
        try Self.query(dir, table: table, checkpoint: checkpoint).start().awaitTermination()
        #expect(try deltaIds(table) == (0..<600).map(Int64.init))
        let snap = try DeltaTable(path: table).snapshot()
        #expect(snap.transactionVersion(crashing.id) == 5)
        #expect(try bucket.keys(under: "checkpoints/events").filter { $0.hasPrefix("commits/") }.count == 6)

        let read = try DeltaRs.read(table)
        #expect(read.version == Int(snap.version))
        #expect(read.ids == (0..<600).map(Int64.init))
        #expect(try CheckpointInspector(checkpoint).status().lastCommittedBatch == 5)
    }

    @Test func aggregationKeepsItsStateOnS3AcrossRestarts() throws {
        let bucket = try S3Bucket()
        let dir = LocalDir()
        let table = bucket.uri("counts"), checkpoint = bucket.uri("cp-counts")
        func start() throws -> StreamingQuery {
            try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .groupBy(col("user")).agg(count().as("n"))
                .writeStream.format(.delta(table)).outputMode(.complete).checkpointLocation(checkpoint).trigger(.availableNow)
                .start()
        }
        try writeHundreds(dir, files: 0..<2)
        try start().awaitTermination()
        try writeHundreds(dir, files: 2..<3)
        try start().awaitTermination()
        let rows = try DeltaTable(path: table).snapshot().read(columns: ["user", "n"]).batch.rows
        let counts = Dictionary(uniqueKeysWithValues: rows.map { r -> (String, Int64) in
            guard case .string(let u) = r[0], case .int64(let n) = r[1] else { return ("?", -1) }
            return (u, n)
        })
        #expect(counts == ["u0": 100, "u1": 100, "u2": 100])
        let state = try bucket.keys(under: "cp-counts/state/0")
        #expect(state.contains("_metadata"))
        #expect(state.contains("0/3.delta") && state.contains("1/3.delta"))
    }

    /// No flock on S3: of two queries on one checkpoint, the one that finds its `offsets/N` (or
    /// `commits/N`) taken stops with `fenced`, before it reads the batch; the table has every
    /// row once.
    @Test func aSecondQueryOnTheCheckpointIsFencedOut() throws {
        let bucket = try S3Bucket()
        let dir = LocalDir()
        let table = bucket.uri("t"), checkpoint = bucket.uri("cp")
        try writeHundreds(dir, files: 0..<1)
        func start() throws -> StreamingQuery {
            try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
                .writeStream.format(.delta(table)).checkpointLocation(checkpoint).trigger(.processingTime(.milliseconds(50)))
                .start()
        }
        let first = try start()
        try waitUntil { try DeltaTable.exists(at: table) && deltaIds(table).count == 100 }
        let second = try start()
        #expect(second.id == first.id)
        var fenced: CheckpointError?
        for f in 1..<30 where fenced == nil {
            try writeHundreds(dir, files: f..<(f + 1))
            try waitUntil {
                (try deltaIds(table).count == (f + 1) * 100) || !first.isActive || !second.isActive
            }
            for q in [first, second] where !q.isActive { fenced = q.exception as? CheckpointError }
        }
        first.stop()
        second.stop()
        let error = try #require(fenced)
        guard case .fenced(let path, _) = error else { Issue.record("expected fenced, got \(error)"); return }
        #expect(path.hasPrefix(checkpoint + "/"))
        #expect(error.description.contains("another query writes this checkpoint"))
        let ids = try deltaIds(table)
        #expect(ids == Array(Set(ids)).sorted(), "a row was written twice")
        #expect(ids.count % 100 == 0)
    }

    @Test func badRecordsGoToS3() throws {
        let bucket = try S3Bucket()
        let dir = LocalDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try DurableFile.writeNew(dir.sub("in", "a.jsonl"), Array(#"{"id":1,"user":"u","amount":1.0}\#nnot json\#n"#.utf8))
        try StreamingSession().readStream.schema(eventSchema).option(.badRecordsPath(bucket.uri("bad"))).load(dir.sub("in"))
            .writeStream.format(.delta(bucket.uri("t"))).checkpointLocation(bucket.uri("cp")).trigger(.availableNow)
            .start().awaitTermination()
        let keys = try bucket.keys(under: "bad")
        #expect(keys == ["batch=0/a.jsonl.json"])
        let text = String(decoding: try bucket.storage.read(bucket.uri("bad/" + keys[0])), as: UTF8.self)
        #expect(text.contains("not json"))
        #expect(try deltaIds(bucket.uri("t")) == [1])
    }
}

/// Polls `condition` every 50 ms for up to 60 s.
func waitUntil(_ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(60)
    while try !condition() {
        try #require(Date() < deadline, "timed out")
        Thread.sleep(forTimeInterval: 0.05)
    }
}
