import Foundation
import Testing

@testable import Streaming

/// The checkpoint remembers which data its offsets describe and which operator definitions its
/// state belongs to; a restart with another source or a changed operator is refused, naming old
/// and new side by side.
@Suite struct QueryIdentityTests {
    func runOnce(_ dir: TempDir, input: String, sink: MemorySink, maxFiles: Int = 1) throws {
        try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(maxFiles)).load(input)
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
    }

    @Test func aCheckpointOfAnotherInputDirectoryIsRefused() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("a"), "f0.jsonl", ids: 0..<3)
        // Same file name, other rows: before the check, b/f0.jsonl was skipped as already read.
        try writeEvents(dir.sub("b"), "f0.jsonl", ids: 10..<13)
        let sink = MemorySink(name: "src-\(UUID())")
        try runOnce(dir, input: dir.sub("a"), sink: sink)
        do {
            try runOnce(dir, input: dir.sub("b"), sink: sink)
            Issue.record("another source directory must be refused")
        } catch let e as CheckpointError {
            guard case .queryChanged = e else { Issue.record("wrong error \(e)"); return }
            #expect(e.description.contains("source 0 was jsonLines files under \(dir.sub("a")), now jsonLines files under \(dir.sub("b"))"))
        }
        #expect(ids(sink) == [0, 1, 2])
    }

    @Test func aChangedGlobFilterIsRefusedAndAChangedRateLimitIsNot() throws {
        let dir = TempDir()
        for f in 0..<3 { try writeEvents(dir.sub("in"), "f\(f).jsonl", ids: f * 10..<(f * 10 + 10)) }
        let sink = MemorySink(name: "glob-\(UUID())")
        func run(glob: String?, maxFiles: Int) throws {
            var r = StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(maxFiles))
            if let glob { r = r.option(.pathGlobFilter(glob)) }
            try r.load(dir.sub("in")).writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
                .start().awaitTermination()
        }
        try run(glob: nil, maxFiles: 1)
        try writeEvents(dir.sub("in"), "f3.jsonl", ids: 30..<40)
        try run(glob: nil, maxFiles: 5)
        #expect(ids(sink) == (0..<40).map(Int64.init))
        #expect(throws: CheckpointError.self) { try run(glob: "*.json", maxFiles: 5) }
    }

    @Test func aCheckpointFromBeforeTheIdentityWasRecordedGetsItOnItsNextStart() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("a"), "f0.jsonl", ids: 0..<3)
        try writeEvents(dir.sub("b"), "f0.jsonl", ids: 10..<13)
        let sink = MemorySink(name: "old-\(UUID())")
        try runOnce(dir, input: dir.sub("a"), sink: sink)
        // What older versions wrote: the id only.
        let layout = CheckpointLayout(root: dir.sub("cp"))
        let id = try #require(try CheckpointMetadata.load(layout)).id
        try DurableFile.writeAtomically(layout.metadata, Array(#"{"formatVersion":1,"id":"\#(id)"}"#.utf8))
        try runOnce(dir, input: dir.sub("a"), sink: sink)
        let meta = try #require(try CheckpointMetadata.load(layout))
        #expect(meta.id == id && meta.sources?.first?.path == dir.sub("a"))
        #expect(throws: CheckpointError.self) { try runOnce(dir, input: dir.sub("b"), sink: sink) }
    }

    static func windowed(_ s: DataStream, size: Duration = .minutes(1), delay: Duration = .seconds(10), key: String = "key",
                         aggregate: AggregateExpr = max(col("value"))) -> DataStream {
        s.withWatermark("ts", delay: delay).groupBy(window(col("ts"), size), col(key)).agg(aggregate.as("v"))
    }

    /// Each change keeps or changes the state schema; either way the definition is compared.
    @Test(arguments: [
        ("size", "operator 0 (aggregation): window size was 1 minute, now 5 minutes"),
        ("delay", "operator 0 (aggregation): watermark delay was 10 seconds, now 20 seconds"),
        ("key", "operator 0 (aggregation): grouping keys was key, now value"),
        ("aggregate", "operator 0 (aggregation): aggregates was max(value), now min(value)"),
        ("dedup keys", "operator 0 (deduplication): keys was key, now value"),
        ("dedup within", "operator 0 (deduplication): within watermark was no, now yes"),
    ])
    func aChangedOperatorDefinitionIsRefusedNamingTheChange(change: String, message: String) throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try DurableFile.writeNew(dir.sub("in", "a.jsonl"), Array(#"{"key":"k","ts":"2026-11-25T10:00:00Z","value":1}"#.utf8))
        let dedup = change.hasPrefix("dedup")
        func query(changed: Bool) throws -> DataStream {
            let s = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
            if dedup {
                let w = s.withWatermark("ts", delay: .seconds(10))
                if change == "dedup keys" { return w.dropDuplicates(changed ? "value" : "key") }
                return changed ? w.dropDuplicatesWithinWatermark("key") : w.dropDuplicates("key")
            }
            guard changed else { return Self.windowed(s) }
            switch change {
            case "size": return Self.windowed(s, size: .minutes(5))
            case "delay": return Self.windowed(s, delay: .seconds(20))
            case "key": return Self.windowed(s, key: "value")
            default: return Self.windowed(s, aggregate: min(col("value")))
            }
        }
        func start(changed: Bool) throws -> StreamingQuery {
            try query(changed: changed).writeStream.format(.memory("shape-\(UUID())")).outputMode(dedup ? .append : .update)
                .checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        }
        try start(changed: false).awaitTermination()
        do {
            _ = try start(changed: true)
            Issue.record("a changed \(change) must be refused")
        } catch let e as CheckpointError {
            #expect(e.description.contains(message), "\(e)")
            #expect(e.description.contains("new checkpointLocation"))
        }
        // The unchanged query still runs on it.
        try start(changed: false).awaitTermination()
    }

    @Test func durationsReadAsWords() {
        #expect(OperatorShape.duration(60_000_000) == "1 minute")
        #expect(OperatorShape.duration(90_000_000) == "90 seconds")
        #expect(OperatorShape.duration(1_500_000) == "1500 ms")
        #expect(OperatorShape.duration(2 * 86_400_000_000) == "2 days")
    }
}
