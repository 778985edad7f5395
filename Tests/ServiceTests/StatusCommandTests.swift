import Foundation
import Streaming
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `status` and `reset` of a StreamingApp, run as separate processes beside the app.
@Suite(.serialized) struct StatusCommandTests {
    struct Report: Decodable {
        var name: String
        var exists: Bool
        var running: Bool
        var holder: String?
        var lastCommittedBatch: Int64?
        var pendingBatch: Int64?
        var watermark: String?
        var eventTimeLagSeconds: Double?
        var backlogFiles: Int?
        var backlogBytes: Int64?
    }

    func status(_ f: PipelineFixture) throws -> [String: Report] {
        let out = try f.command(["status", "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let reports = try JSONDecoder().decode([Report].self, from: Data(out.stdout.utf8))
        return Dictionary(uniqueKeysWithValues: reports.map { ($0.name, $0) })
    }

    @Test func statusTellsARunningQueryFromAStoppedOne() throws {
        let f = try PipelineFixture("status")
        defer { f.remove() }
        for i in 0..<2 { try LogFiles.write(into: f.input, file: i) }
        let app = try f.start(["run", "--query", "errors_per_minute", "--port", "0", "--trigger", "200ms"])
        defer { app.kill() }
        let checkpoint = FilePaths.join(f.checkpoints, "errors_per_minute")
        _ = try app.waitFor("both files committed", timeout: 120) { _ in
            (try? CheckpointInspector(checkpoint).status().lastCommittedBatch).flatMap { $0 } == 1 ? true : nil
        }

        let running = try status(f)
        let r = try #require(running["errors_per_minute"])
        #expect(r.running)
        #expect(r.holder?.contains("pid \(app.pid)") == true)
        // Both files, maybe followed by a no-data batch once the watermark moved.
        #expect((r.lastCommittedBatch ?? -1) >= 1)
        #expect(r.pendingBatch == nil)
        #expect(r.watermark != nil)
        #expect((r.eventTimeLagSeconds ?? 0) > 0)
        #expect(r.backlogFiles == 0)
        // The other query never ran: no checkpoint, not running.
        let other = try #require(running["errors"])
        #expect(!other.exists && !other.running)

        // Reset is refused while the query runs.
        let refused = try f.command(["reset", "errors_per_minute", "--yes"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is running"))

        app.signal(SIGTERM)
        #expect(app.waitForExit(timeout: 60) == 0)
        let late = try LogFiles.write(into: f.input, file: 2)
        let stopped = try #require(try status(f)["errors_per_minute"])
        #expect(stopped.exists && !stopped.running && stopped.holder == nil)
        // The last batch (maybe a no-data batch after the watermark moved) is committed.
        #expect(stopped.lastCommittedBatch == (try CheckpointInspector(checkpoint).status().lastCommittedBatch))
        #expect((stopped.lastCommittedBatch ?? 0) >= 1)
        #expect(stopped.pendingBatch == nil)
        // A file that arrived while it was stopped is backlog.
        #expect(stopped.backlogFiles == 1)
        let size = try FileManager.default.attributesOfItem(atPath: late)[.size] as? Int
        #expect(stopped.backlogBytes == size.map(Int64.init))

        // Stopped, it can be reset: the checkpoint moves aside.
        let reset = try f.command(["reset", "errors_per_minute", "--yes"])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
        let aside = try FileManager.default.contentsOfDirectory(atPath: f.checkpoints).filter { $0.hasPrefix("errors_per_minute.reset-") }
        #expect(aside.count == 1)
        #expect(try status(f)["errors_per_minute"]?.exists == false)
    }

    @Test func statusOfAPendingBatchAfterAKill() throws {
        let f = try PipelineFixture("status-pending")
        defer { f.remove() }
        try LogFiles.write(into: f.input, file: 0)
        let trace = FilePaths.join(f.dir, "phases")
        let app = try f.start(
            ["run", "--query", "errors", "--port", "0"], environment: ["SLUICE_TRACE_PHASES": trace, "SLUICE_PHASE_DELAY_MS": "300"])
        defer { app.kill() }
        _ = try app.waitFor("batch 0 writing its sink", timeout: 120) { _ -> Bool? in
            PhaseTrace.read(trace).map { $0.batch == 0 && $0.phase == .sinkWrite } == true ? true : nil
        }
        app.kill()
        let r = try #require(try status(f)["errors"])
        #expect(!r.running)
        #expect(r.lastCommittedBatch == nil)
        #expect(r.pendingBatch == 0)
    }
}
