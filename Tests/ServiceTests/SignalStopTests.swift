import Foundation
import Streaming
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT against the real executable: the batch in progress is committed, the
/// process exits 0 and says so, and the next start continues exactly once.
@Suite(.serialized) struct SignalStopTests {
    @Test func sigtermInTheMiddleOfABatchCommitsItAndTheRestartContinuesExactlyOnce() throws {
        let f = try PipelineFixture("sigterm")
        defer { f.remove() }
        for i in 0..<3 { try LogFiles.write(into: f.input, file: i) }
        let trace = FilePaths.join(f.dir, "phases")
        // Slow phases, so the signal lands inside batch 1 rather than between batches.
        let app = try f.start(
            ["run", "--query", "errors", "--port", "0"],
            environment: ["SLUICE_TRACE_PHASES": trace, "SLUICE_PHASE_DELAY_MS": "300"])
        defer { app.kill() }
        let inFlight = try app.waitFor("batch 1 reading its data", timeout: 120) { _ -> PhaseTrace.Record? in
            guard let r = PhaseTrace.read(trace), r.batch == 1, [.dataRead, .sinkWrite, .sinkDataFiles].contains(r.phase) else { return nil }
            return r
        }
        app.signal(SIGTERM)
        let status = app.waitForExit(timeout: 60)
        #expect(status == 0, "exit status \(String(describing: status)); stderr:\n\(app.stderr)")
        #expect(app.stderr.contains("SIGTERM received"))
        #expect(app.stderr.contains("stopped cleanly on SIGTERM"))
        #expect(app.stderr.contains("query stopped cleanly"))

        // The batch the signal interrupted was finished and committed, not left half done.
        let checkpoint = FilePaths.join(f.checkpoints, "errors")
        let after = try CheckpointInspector(checkpoint).status()
        #expect(after.lastCommittedBatch == inFlight.batch)
        #expect(!after.hasPendingBatch)
        let table = FilePaths.join(f.tables, "errors")
        let firstRun = try LogFiles.messages(table: table)
        #expect(firstRun.count == LogFiles.errors(files: 2))
        #expect(Set(firstRun).count == firstRun.count)

        // The restart takes the rest, each row once.
        let rest = try f.command(["run", "--query", "errors", "--port", "0", "--trigger", "availableNow"], timeout: 120)
        #expect(rest.status == 0, "\(rest.stderr)")
        let all = try LogFiles.messages(table: table)
        #expect(all.count == LogFiles.errors(files: 3))
        #expect(Set(all).count == all.count)
        #expect(Set(firstRun).isSubset(of: Set(all)))
    }

    @Test func sigintStopsTheDemoServerWithExitZero() throws {
        let dir = try TestEnvironment.scratch("demo-serve")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let demo = try ChildProcess(
            TestEnvironment.executable("sluice"), ["demo", "--serve", "--port", "0", "--dir", dir, "--file-every", "0.5"], directory: dir)
        defer { demo.kill() }
        let port = try demo.announcedPort()
        // The server listens before the queries start: wait for both to be listed.
        _ = try demo.waitFor("both demo queries listed", timeout: 60) { _ -> Bool? in
            let queries = (try? HTTP.get("http://127.0.0.1:\(port)/api/queries")) ?? ""
            return queries.contains(#""name":"slow_errors""#) && queries.contains(#""name":"errors_per_minute""#) ? true : nil
        }
        _ = try demo.waitFor("a batch of errors_per_minute", timeout: 60) { _ -> Bool? in
            (try? HTTP.get("http://127.0.0.1:\(port)/metrics"))?.contains(#"sluice_query_last_batch_id{query="errors_per_minute"}"#) == true ? true : nil
        }
        demo.signal(SIGINT)
        #expect(demo.waitForExit(timeout: 60) == 0, "stderr:\n\(demo.stderr)")
        #expect(demo.stderr.contains("stopped cleanly on SIGINT"))
    }
}
