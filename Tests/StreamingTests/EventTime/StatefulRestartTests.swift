import Foundation
import Testing

@testable import Streaming

/// Stateful queries stopped or crashed at each step of a batch and restarted on the same
/// checkpoint must produce exactly the output of an uninterrupted run.
@Suite struct StatefulRestartTests {
    static let files = 14

    /// Event times rising across files (with some disorder), so windows close as batches go.
    static func writeInput(_ dir: TempDir) throws {
        try FileSystem.createDirectory(dir.sub("in"))
        for f in 0..<files {
            let rows = (0..<6).map { i -> String in
                let t = Int64(f * 4 + (i * 7) % 5)
                return #"{"key":"k\#(i % 3)","ts":"\#(Timestamps.format(t * 1_000_000))","value":\#(i)}"#
            }
            try DurableFile.writeNew(dir.sub("in", String(format: "%03d.jsonl", f)), Array(rows.joined(separator: "\n").utf8))
        }
    }

    static func query(_ dir: TempDir) throws -> DataStream {
        try StreamingSession().readStream.schema(StreamHarness.schema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .withWatermark("ts", delay: .seconds(3))
            .groupBy(window(col("ts"), .seconds(5)), col("key"))
            .agg(count().as("n"), sum(col("value")).as("total"))
    }

    static func run(_ dir: TempDir, sink: MemorySink, hook: FaultHook? = nil) throws -> StreamingQuery {
        var w = try query(dir).writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
        if let hook { w = w.faultInjection(hook) }
        return try w.start()
    }

    static func reference() throws -> [[Value]] {
        let dir = TempDir()
        try writeInput(dir)
        let sink = MemorySink(name: "stateful-ref-\(UUID())")
        try run(dir, sink: sink).awaitTermination()
        return sink.rows
    }

    @Test(arguments: FaultPoint.allCases)
    func crashInBatch12NeedsSnapshotPlusDeltasAndLosesNothing(fault: FaultPoint) throws {
        let expected = try Self.reference()
        #expect(expected.count > 20)
        let dir = TempDir()
        try Self.writeInput(dir)
        let sink = MemorySink(name: "stateful-\(fault)-\(UUID())")
        let crashed = try Self.run(dir, sink: sink) { point, batch in
            if point == fault && batch == 12 { throw InjectedFault(point: point, batchId: batch) }
        }
        #expect(throws: InjectedFault.self) { try crashed.awaitTermination() }
        // State version 12 is rebuilt from the snapshot at 10 plus deltas 11 and 12.
        #expect(FileSystem.exists(dir.sub("cp", "state", "0", "0", "10.snapshot")))
        try Self.run(dir, sink: sink).awaitTermination()
        #expect(sink.rows == expected)
    }

    @Test func cleanStopAndRestartKeepsState() throws {
        let expected = try Self.reference()
        let dir = TempDir()
        try Self.writeInput(dir)
        let sink = MemorySink(name: "stateful-stop-\(UUID())")
        let hidden = dir.sub("later")
        try FileSystem.createDirectory(hidden)
        for f in 7..<Self.files {
            let name = String(format: "%03d.jsonl", f)
            try FileSystem.rename(dir.sub("in", name), FilePaths.join(hidden, name))
        }
        try Self.run(dir, sink: sink).awaitTermination()
        for f in 7..<Self.files {
            let name = String(format: "%03d.jsonl", f)
            try FileSystem.rename(FilePaths.join(hidden, name), dir.sub("in", name))
        }
        try Self.run(dir, sink: sink).awaitTermination()
        #expect(sink.rows == expected)
    }

    @Test func stateStaysBoundedOnALongStreamWithAWatermark() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        for f in 0..<60 {
            let rows = (0..<20).map { i in #"{"key":"k\#(i % 4)","ts":"\#(Timestamps.format(Int64(f * 10 + i / 2) * 1_000_000))"}"# }
            try DurableFile.writeNew(dir.sub("in", String(format: "%03d.jsonl", f)), Array(rows.joined(separator: "\n").utf8))
        }
        let q = try StreamingSession().readStream.schema(StreamHarness.schema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .withWatermark("ts", delay: .seconds(5)).groupBy(window(col("ts"), .seconds(5)), col("key")).count()
            .writeStream.format(.memory("bounded-\(UUID())")).trigger(.availableNow).start()
        try q.awaitTermination()
        let totals = q.recentProgress.compactMap { $0.stateOperators.first?.numRowsTotal }
        #expect(totals.count >= 60)
        // 60 batches create 120 windows × 4 keys = 480 groups; each batch covers 10 s (two
        // windows), and windows are evicted once the watermark passes them, so at most the
        // groups of the last two batches stay open.
        #expect(totals.max()! <= 16)
        let removed = q.recentProgress.reduce(0) { $0 + ($1.stateOperators.first?.numRowsRemoved ?? 0) }
        #expect(removed + totals.last! == 480)
    }

    @Test func stateWrittenByAnotherQueryShapeIsRefused() throws {
        let dir = TempDir()
        try Self.writeInput(dir)
        try Self.run(dir, sink: MemorySink(name: "shape-\(UUID())")).awaitTermination()
        let other = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
            .withWatermark("ts", delay: .seconds(3))
            .groupBy(window(col("ts"), .seconds(5)), col("value")).count()
        do {
            _ = try other.writeStream.format(.memory("shape2-\(UUID())")).checkpointLocation(dir.sub("cp")).start()
            Issue.record("expected the incompatible state to be refused")
        } catch {
            #expect("\(error)".contains("new checkpoint"))
        }
    }
}
