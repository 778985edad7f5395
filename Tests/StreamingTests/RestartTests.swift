import Foundation
import Synchronization
import Testing

@testable import Streaming

/// Crashes injected at each step of the batch protocol; after a restart on the same checkpoint
/// the sink must hold exactly the rows of a run without faults.
@Suite struct RestartTests {
    /// Runs the query over 4 files, one per batch, optionally failing once at `fault` in batch 1,
    /// then restarting. Returns the sink.
    func run(fault: FaultPoint?, dir: TempDir, sink: MemorySink) throws {
        for f in 0..<4 where !FileSystem.exists(dir.sub("in", "f\(f).jsonl")) {
            try writeEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10))
        }
        func start(_ hook: FaultHook?) throws -> StreamingQuery {
            var w = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                .filter(col("id") % 3 != 0)
                .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
            if let hook { w = w.faultInjection(hook) }
            return try w.start()
        }
        if let fault {
            let q = try start { point, batch in if point == fault && batch == 1 { throw InjectedFault(point: point, batchId: batch) } }
            #expect(throws: InjectedFault.self) { try q.awaitTermination() }
            #expect(q.exception != nil)
        }
        try start(nil).awaitTermination()
    }

    static let expected: [Int64] = (0..<40).filter { $0 % 3 != 0 }.map(Int64.init)

    @Test(arguments: FaultPoint.allCases)
    func crashAtEachStepLosesNothingAndDuplicatesNothing(fault: FaultPoint) throws {
        let dir = TempDir()
        let sink = MemorySink(name: "restart-\(fault)-\(UUID())")
        try run(fault: fault, dir: dir, sink: sink)
        #expect(ids(sink) == Self.expected)
        #expect(sink.appliedBatchIds == [0, 1, 2, 3])
    }

    @Test func uncommittedBatchIsReplayedWithTheSameOffsetsAndRows() throws {
        let dir = TempDir()
        for f in 0..<3 { try writeEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10)) }
        let delivered = Mutex<[(Int64, [Int64])]>([])
        func start(failAfterSink: Bool) throws -> StreamingQuery {
            var w = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(2)).load(dir.sub("in"))
                .writeStream
                .foreachBatch { id, batch in
                    let got = batch.rows.compactMap { if case .int64(let x) = $0[0] { return x } else { return nil } }
                    delivered.withLock { $0.append((id, got)) }
                }
                .checkpointLocation(dir.sub("cp")).trigger(.availableNow)
            if failAfterSink {
                w = w.faultInjection { p, b in if p == .afterSinkCommit && b == 0 { throw InjectedFault(point: p, batchId: b) } }
            }
            return try w.start()
        }
        let first = try start(failAfterSink: true)
        #expect(throws: InjectedFault.self) { try first.awaitTermination() }
        // More data arrives while the query is down; the replayed batch must not take it.
        try writeEvents(dir.sub("in"), "f3.jsonl", ids: 30..<40)
        let second = try start(failAfterSink: false)
        try second.awaitTermination()
        #expect(first.id == second.id)
        #expect(first.runId != second.runId)
        let d = delivered.withLock { $0 }
        #expect(d.map(\.0) == [0, 0, 1])
        #expect(d[0].1 == d[1].1)
        #expect(d[0].1 == Array(0..<20).map(Int64.init))
        #expect(d[2].1 == Array(20..<40).map(Int64.init))
    }

    @Test func restartAfterCleanStopContinuesWhereItStopped() throws {
        let dir = TempDir()
        let sink = MemorySink(name: "continue-\(UUID())")
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<5)
        func runOnce() throws {
            try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
                .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
                .awaitTermination()
        }
        try runOnce()
        try runOnce()
        #expect(ids(sink) == [0, 1, 2, 3, 4])
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 5..<7)
        try runOnce()
        #expect(ids(sink) == [0, 1, 2, 3, 4, 5, 6])
        #expect(sink.appliedBatchIds == [0, 1])
    }

    /// Regression (found by the crash-torture harness): a run killed after the file source had
    /// logged batch N's files but before `offsets/N` made the next run merge those files with the
    /// next ones into one batch. Batch boundaries decide the watermark, so a row that an
    /// uninterrupted run drops as late was kept.
    @Test func crashBeforeOffsetsKeepsBatchBoundariesAndLateRows() throws {
        // One row per file; event times 100 s, 200 s, 300 s, then 150 s (late once the watermark,
        // max seen two batches back minus 10 s, is 190 s), then 400 s.
        let seconds: [Int64] = [100, 200, 300, 150, 400]
        func run(crashInBatch2: Bool) throws -> (ids: [Int64], batches: [Int64]) {
            let dir = TempDir()
            try FileSystem.createDirectory(dir.sub("in"))
            for (i, t) in seconds.enumerated() {
                let line = #"{"id":\#(i),"user":"u","amount":1.0,"ts":"\#(Timestamps.format(t * 1_000_000))"}"#
                try DurableFile.writeNew(dir.sub("in", "f\(i).jsonl"), Array((line + "\n").utf8))
            }
            let sink = MemorySink(name: "boundaries-\(UUID())")
            func start(_ hook: FaultHook?) throws -> StreamingQuery {
                var w = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
                    .withWatermark("ts", delay: .seconds(10))
                    .dropDuplicates("id")
                    .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
                if let hook { w = w.faultInjection(hook) }
                return try w.start()
            }
            if crashInBatch2 {
                let q = try start { p, b in if p == .beforeOffsetsWritten && b == 2 { throw InjectedFault(point: p, batchId: b) } }
                #expect(throws: InjectedFault.self) { try q.awaitTermination() }
            }
            try start(nil).awaitTermination()
            return (ids(sink).sorted(), sink.appliedBatchIds)
        }
        let reference = try run(crashInBatch2: false)
        #expect(reference.ids == [0, 1, 2, 4])
        let crashed = try run(crashInBatch2: true)
        #expect(crashed.ids == reference.ids)
        #expect(crashed.batches == reference.batches)
    }

    @Test func crashBetweenSourceLogAndOffsetsLosesNothing() throws {
        // The file source logs its new files before offsets/N is written; a crash in between
        // must not make those files invisible to the next run.
        let dir = TempDir()
        let sink = MemorySink(name: "srclog-\(UUID())")
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<3)
        let source = try FileSourceProvider(path: dir.sub("in"), format: .jsonLines, schema: eventSchema, options: FileSourceOptions())
            .makeFileSource(metadataPath: CheckpointLayout(root: dir.sub("cp")).source(0))
        _ = try source.latestOffset(start: nil, limit: .all)
        try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        #expect(ids(sink) == [0, 1, 2])
    }
}
