import Foundation
import Testing

@testable import Streaming

@Suite struct CheckpointTests {
    @Test func secondQueryOnALockedCheckpointFailsClearly() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        let stream = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
        let first = try stream.writeStream.format(.memory("lock1-\(UUID())")).checkpointLocation(dir.sub("cp")).start()
        defer { first.stop() }
        do {
            _ = try stream.writeStream.format(.memory("lock2-\(UUID())")).checkpointLocation(dir.sub("cp")).start()
            Issue.record("second start should fail")
        } catch let e as CheckpointError {
            guard case .locked(_, let holder) = e else { Issue.record("wrong error \(e)"); return }
            #expect(holder.contains("pid \(getpid())"))
            #expect(e.description.contains("in use by another query"))
        }
    }

    @Test func lockHeldByAnotherProcessIsRespected() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        try FileSystem.createDirectory(dir.sub("cp"))
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        // flock(1) holds the lock while its child sleeps; it lets go by itself after 2 s.
        holder.arguments = [dir.sub("cp", "lock"), "sleep", "2"]
        try holder.run()
        defer { holder.waitUntilExit() }
        // Wait until the other process holds the lock.
        var held = false
        for _ in 0..<100 {
            if let free = try? CheckpointLock(CheckpointLayout(root: dir.sub("cp"))) {
                free.release()
                Thread.sleep(forTimeInterval: 0.02)
            } else {
                held = true
                break
            }
        }
        try #require(held, "flock(1) never took the lock")
        do {
            _ = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
                .writeStream.format(.memory("proc-\(UUID())")).checkpointLocation(dir.sub("cp")).start()
            Issue.record("a second process's lock was ignored")
        } catch CheckpointError.locked {
            // Refused as locked (not some other checkpoint error).
        }
    }

    @Test func staleLockFromADeadProcessIsTakenOver() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        try FileSystem.createDirectory(dir.sub("cp"))
        // A lock file left behind by a process that died: nobody holds the flock.
        try DurableFile.writeNew(dir.sub("cp", "lock"), Array("pid 999999 on elsewhere\n".utf8))
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("stale-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(q.lastProgress?.numInputRows == 3)
        #expect(try FileSystem.readString(dir.sub("cp", "lock")).contains("pid \(getpid())"))
    }

    @Test func checkpointLayoutMatchesTheDesign() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("layout-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(try FileSystem.readString(dir.sub("cp", "metadata")).contains(q.id))
        let offsets = try FileSystem.readString(dir.sub("cp", "offsets", "0")).split(separator: "\n")
        #expect(offsets.first == "v1")
        #expect(offsets[offsets.count - 2] == #"{"logOffset":0}"#)
        #expect(offsets.last!.hasPrefix("#xxh64:"))
        #expect(try FileSystem.readString(dir.sub("cp", "commits", "0")).hasPrefix("v1\n"))
        #expect(try FileSystem.readString(dir.sub("cp", "sources", "0", "0")).contains("a.jsonl"))
        #expect(FileSystem.exists(dir.sub("cp", "progress", "0.json")))
        let status = try CheckpointInspector(dir.sub("cp")).status()
        #expect(status.queryId == q.id && status.lastCommittedBatch == 0 && !status.hasPendingBatch)
    }

    @Test func damagedOffsetsFileIsReportedWithItsPath() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        func start() throws -> StreamingQuery {
            try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
                .writeStream.format(.memory("damaged-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        }
        try start().awaitTermination()
        try DurableFile.writeAtomically(dir.sub("cp", "offsets", "0"), Array("v1\n{\"batchWat".utf8))
        do {
            try start().awaitTermination()
            Issue.record("expected a damaged-checkpoint error")
        } catch let e as CheckpointError {
            #expect(e.description.contains(dir.sub("cp", "offsets", "0")))
            #expect(e.description.contains("damaged"))
        }
    }

    @Test func progressIsRecordedPerBatchAndDeliveredToListeners() throws {
        final class Collector: StreamingQueryListener, @unchecked Sendable {
            let lock = NSLock()
            var batches: [Int64] = []
            var terminated = false
            func onQueryProgress(_ p: StreamingQueryProgress) { lock.withLock { batches.append(p.batchId) } }
            func onQueryTerminated(id: String, runId: String, error: (any Error)?) { lock.withLock { terminated = true } }
        }
        let dir = TempDir()
        for f in 0..<3 { try writeEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 4..<(f * 4 + 4)) }
        let session = StreamingSession()
        let collector = Collector()
        session.streams.addListener(collector)
        let q = try session.readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .filter(col("id") > 1)
            .writeStream.format(.memory("progress-\(UUID())")).queryName("p").checkpointLocation(dir.sub("cp"))
            .trigger(.availableNow).start()
        try q.awaitTermination()
        let p = try #require(q.lastProgress)
        #expect(p.batchId == 2 && p.name == "p" && p.id == q.id && p.runId == q.runId)
        #expect(p.numInputRows == 4 && p.sink.numOutputRows == 4)
        #expect(q.recentProgress.first?.sink.numOutputRows == 2)
        for key in ["latestOffset", "walCommit", "getBatch", "addBatch", "commitOffsets", "triggerExecution"] {
            #expect(p.durationMs[key] != nil, "missing duration \(key)")
        }
        #expect(p.sources[0].startOffset == #"{"logOffset":1}"# && p.sources[0].endOffset == #"{"logOffset":2}"#)
        #expect(collector.lock.withLock { collector.batches } == [0, 1, 2])
        #expect(collector.lock.withLock { collector.terminated })
        let stored = try CheckpointInspector(dir.sub("cp")).progress()
        #expect(stored.map(\.batchId) == [0, 1, 2])
        #expect(stored.last == p)
        #expect(p.json.contains("\"numInputRows\" : 4"))
    }

    @Test func invalidQueriesAreRejectedAtStart() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        let stream = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
        #expect(throws: QueryError.self) { _ = try stream.writeStream.format(.memory("x")).outputMode(.complete).start() }
        #expect(throws: QueryError.self) { _ = try stream.filter(col("nope") == 1).writeStream.format(.memory("x")).start() }
        #expect(throws: QueryError.self) { _ = try stream.filter(col("user")).writeStream.format(.memory("x")).start() }
        #expect(throws: QueryError.self) { _ = try stream.writeStream.foreachBatch { _, _ in }.start() }
        #expect(throws: QueryError.self) { _ = try StreamingSession().readStream.load(dir.sub("in")) }
        #expect(throws: SourceError.self) { _ = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("missing")) }
    }

    /// The temporary checkpoints of queries started without one (memory and console sinks).
    private func temporaryCheckpoints(of queryId: String) throws -> [String] {
        let tmp = NSTemporaryDirectory()
        return try FileSystem.list(tmp).filter { $0.hasPrefix("sluice-checkpoint-") }.map { FilePaths.join(tmp, $0) }.filter { dir in
            (try? FileSystem.readString(CheckpointLayout(root: dir).metadata))?.contains(queryId) ?? false
        }
    }

    @Test func aTemporaryCheckpointGoesWhenItsQueryStopsAndStaysAfterAFailure() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("tmp-\(UUID())")).start()
        try q.processAllAvailable()
        #expect(try temporaryCheckpoints(of: q.id).count == 1)
        q.stop()
        try q.awaitTermination()
        #expect(try temporaryCheckpoints(of: q.id).isEmpty)

        try FileSystem.createDirectory(dir.sub("bad"))
        try DurableFile.writeNew(dir.sub("bad", "b.jsonl"), Array("{oops\n".utf8))
        let failing = try StreamingSession().readStream.schema(eventSchema).option(.mode(.failFast)).load(dir.sub("bad"))
            .writeStream.format(.memory("tmp-\(UUID())")).trigger(.availableNow).start()
        #expect(throws: (any Error).self) { try failing.awaitTermination() }
        let kept = try temporaryCheckpoints(of: failing.id)
        #expect(kept.count == 1)
        for k in kept { try FileSystem.removeTree(k) }
    }

    @Test func failuresInsideTheQuerySurfaceAsErrors() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try DurableFile.writeNew(dir.sub("in", "bad.jsonl"), Array("{\"id\":1}\n{oops\n".utf8))
        let q = try StreamingSession().readStream.schema(eventSchema).option(.mode(.failFast)).load(dir.sub("in"))
            .writeStream.format(.memory("fail-\(UUID())")).trigger(.availableNow).start()
        do {
            try q.awaitTermination()
            Issue.record("expected failure")
        } catch {
            #expect("\(error)".contains("bad.jsonl:2:"), "file and line named: \(error)")
        }
        #expect(q.isActive == false && q.exception != nil)
    }

    @Test func badRecordsGoToTheirDirectoryAndAreCounted() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try DurableFile.writeNew(dir.sub("in", "mixed.jsonl"), Array("{\"id\":1}\n{oops\n{\"id\":\"two\"}\n{\"id\":3}\n".utf8))
        let sink = MemorySink(name: "bad-\(UUID())")
        let q = try StreamingSession().readStream.schema(eventSchema)
            .option(.mode(.dropMalformed)).option(.badRecordsPath(dir.sub("bad")))
            .load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(ids(sink) == [1, 3])
        #expect(q.lastProgress?.sources[0].numMalformedRows == 2)
        let written = try FileSystem.readString(dir.sub("bad", "batch=0", "mixed.jsonl.json"))
        #expect(written.contains("\"line\":2") && written.contains("\"line\":3"))
    }
}

@Suite struct DamagedCheckpointTests {
    func runOnce(_ dir: TempDir) throws {
        try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("dmg-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
    }

    /// A flipped digit still parses as JSON; only the checksum notices.
    @Test(arguments: ["offsets", "commits"])
    func aChangedByteIsRefusedWithTheFileNamed(log: String) throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        try runOnce(dir)
        let path = dir.sub("cp", log, "0")
        var bytes = try FileSystem.read(path)
        let i = try #require(bytes.firstIndex(of: UInt8(ascii: "0")) ?? bytes.firstIndex(of: UInt8(ascii: "1")))
        bytes[i] = bytes[i] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try DurableFile.writeAtomically(path, bytes)
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 3..<5)
        do {
            try runOnce(dir)
            Issue.record("expected the damaged \(log) file to be refused")
        } catch let e as CheckpointError {
            #expect(e.description.contains(path) && e.description.contains("checksum"))
        }
    }

    @Test func aTruncatedCommitIsRefused() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        try runOnce(dir)
        let path = dir.sub("cp", "commits", "0")
        let bytes = try FileSystem.read(path)
        try DurableFile.writeAtomically(path, Array(bytes.prefix(bytes.count / 2)))
        #expect(throws: CheckpointError.self) { try runOnce(dir) }
    }
}
