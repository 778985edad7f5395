import Foundation
import Logging
import Testing

@testable import Service
@testable import Streaming

/// The runner in process: a failing query stops the others and the service says why it ended.
///
/// `run()` blocks its thread as a service's main thread does, so it runs on a thread of its own:
/// on one of the test runner's few concurrency threads it would hold back the server it starts.
@Suite(.serialized) struct ServiceRunnerTests {
    static func onThread(_ runner: ServiceRunner) async -> ServiceExit {
        await withCheckedContinuation { done in
            Thread.detachNewThread { done.resume(returning: runner.run()) }
        }
    }

    @Test func aFailingQueryStopsTheOthersAfterTheirBatchAndExitsOne() async throws {
        let dir = try TestEnvironment.scratch("runner-failure")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = FilePaths.join(dir, "good"), bad = FilePaths.join(dir, "bad")
        try EventFiles.write(good, "a.jsonl", minutes: [0, 1])
        try EventFiles.write(bad, "a.jsonl", minutes: [0], extra: ["not json"])
        let queries = [
            PipelineQuery("steady") { ctx in
                try ctx.session.readStream.format(.jsonLines).schema(EventFiles.schema).load(good)
                    .writeStream.format(.memory("runner_steady")).trigger(.processingTime(.milliseconds(20)))
            },
            PipelineQuery("strict") { ctx in
                try ctx.session.readStream.format(.jsonLines).schema(EventFiles.schema).option(.mode(.failFast)).load(bad)
                    .writeStream.format(.memory("runner_strict"))
            },
        ]
        var config = AppConfiguration()
        config.checkpoints = FilePaths.join(dir, "checkpoints")
        config.port = 0
        let announced = LogOutput()
        let runner = ServiceRunner(
            queries: queries, configuration: config, session: StreamingSession(), logger: Logger(label: "test"),
            announce: { announced.write($0) })
        #expect(await Self.onThread(runner) == .queryFailed)
        #expect(announced.captured.contains { $0.hasPrefix("web UI: http://127.0.0.1:") })
        // The steady query was stopped in order: its last batch is committed, none pending.
        let steady = try CheckpointInspector(FilePaths.join(config.checkpoints, "steady")).status()
        #expect(steady.lastCommittedBatch == 0 && !steady.hasPendingBatch)
        #expect(LockProbe.holder(of: FilePaths.join(config.checkpoints, "steady")) == nil)
    }

    @Test func aQueryThatCannotStartIsAConfigurationOrStartFailure() async throws {
        let dir = try TestEnvironment.scratch("runner-start")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = AppConfiguration()
        config.checkpoints = FilePaths.join(dir, "checkpoints")
        config.port = 0
        let missingPath = [PipelineQuery("needs_input") { ctx in
            try ctx.session.readStream.format(.jsonLines).schema(EventFiles.schema).load(ctx.path("input"))
                .writeStream.format(.memory("runner_missing"))
        }]
        let runner = ServiceRunner(
            queries: missingPath, configuration: config, session: StreamingSession(), logger: Logger(label: "test"), announce: { _ in })
        #expect(await Self.onThread(runner) == .configuration)
    }
}
