import Foundation
import Testing

@testable import Streaming

/// Queries over several streams (`union`): each source keeps its own line in `offsets/N`, reads
/// only its own new data, and the query's watermark is the minimum over the inputs' watermarks.
@Suite struct MultiSourceTests {
    /// Two file streams unioned into `sink`, filtered on `id`, optionally failing once at `fault`.
    func start(_ dir: TempDir, _ sink: MemorySink, fault: FaultPoint? = nil, batch: Int64 = 1) throws -> StreamingQuery {
        let session = StreamingSession()
        let a = try session.readStream.schema(eventSchema).load(dir.sub("a"))
        let b = try session.readStream.schema(eventSchema).load(dir.sub("b"))
        var w = a.union(b).filter(col("id") % 3 != 0)
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
        if let fault {
            w = w.faultInjection { p, id in if p == fault && id == batch { throw InjectedFault(point: p, batchId: id) } }
        }
        return try w.start()
    }

    /// The source offsets `offsets/<batch>` records, one per source.
    func offsetLines(_ dir: TempDir, _ batch: Int64) throws -> [String?] {
        try OffsetLog(checkpoint: CheckpointLayout(root: dir.sub("cp"))).read(batch)?.sourceOffsets.map { $0?.json } ?? []
    }

    @Test func eachSourceHasItsOwnOffsetAndReadsOnlyItsNewData() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("a"), "f0.jsonl", ids: 0..<10)
        try writeEvents(dir.sub("b"), "g0.jsonl", ids: 100..<110)
        let sink = MemorySink(name: "union-\(UUID())")
        try start(dir, sink).awaitTermination()
        #expect(try offsetLines(dir, 0) == [#"{"logOffset":0}"#, #"{"logOffset":0}"#])

        try writeEvents(dir.sub("b"), "g1.jsonl", ids: 110..<120)
        let q = try start(dir, sink)
        try q.awaitTermination()
        // Source 0 did not move; source 1 took its second file.
        #expect(try offsetLines(dir, 1) == [#"{"logOffset":0}"#, #"{"logOffset":1}"#])
        #expect(q.lastProgress?.sources.map(\.numInputRows) == [0, 10])
        let expected = (Array(0..<10) + Array(100..<120)).filter { $0 % 3 != 0 }.map(Int64.init)
        #expect(ids(sink).sorted() == expected)
    }

    @Test(arguments: FaultPoint.allCases)
    func aCrashAtEachStepWithTwoSourcesLosesAndDuplicatesNothing(fault: FaultPoint) throws {
        let dir = TempDir()
        try writeEvents(dir.sub("a"), "f0.jsonl", ids: 0..<10)
        try writeEvents(dir.sub("b"), "g0.jsonl", ids: 100..<110)
        let sink = MemorySink(name: "union-crash-\(UUID())")
        try start(dir, sink).awaitTermination()
        try writeEvents(dir.sub("a"), "f1.jsonl", ids: 10..<20)
        try writeEvents(dir.sub("b"), "g1.jsonl", ids: 110..<120)
        let failing = try start(dir, sink, fault: fault)
        #expect(throws: InjectedFault.self) { try failing.awaitTermination() }
        try start(dir, sink).awaitTermination()
        let expected = (Array(0..<20) + Array(100..<120)).filter { $0 % 3 != 0 }.map(Int64.init)
        #expect(ids(sink).sorted() == expected)
        #expect(sink.appliedBatchIds == [0, 1])
    }

    /// One file of `(key, event time in seconds)` rows into `dir`.
    func add(_ dir: String, _ name: String, _ rows: [(String, Int64)]) throws {
        let lines = rows.map { #"{"key":"\#($0.0)","ts":"\#(Timestamps.format($0.1 * 1_000_000))","value":1}"# }
        try FileSystem.createDirectory(dir)
        try DurableFile.writeNew(FilePaths.join(dir, "." + name), Array((lines.joined(separator: "\n") + "\n").utf8))
        try FileSystem.rename(FilePaths.join(dir, "." + name), FilePaths.join(dir, name))
    }

    @Test(arguments: [WatermarkPolicy.min, .max])
    func theWatermarkFollowsTheSlowestInputUnlessThePolicyIsMax(policy: WatermarkPolicy) throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("fast"))
        try FileSystem.createDirectory(dir.sub("slow"))
        let session = StreamingSession()
        let fast = try session.readStream.schema(StreamHarness.schema).load(dir.sub("fast")).withWatermark("ts", delay: .seconds(10))
        let slow = try session.readStream.schema(StreamHarness.schema).load(dir.sub("slow")).withWatermark("ts", delay: .seconds(10))
        let delivered = Delivered()
        let q = try fast.union(slow).groupBy(window(col("ts"), .seconds(10))).count()
            .writeStream.foreachBatch { id, b in delivered.append(id, b.rows) }
            .outputMode(.append).watermarkPolicy(policy).checkpointLocation(dir.sub("cp")).trigger(.processingTime(.milliseconds(10))).start()
        defer { q.stop() }

        try add(dir.sub("fast"), "f0.jsonl", [("k", 100)])
        try add(dir.sub("slow"), "s0.jsonl", [("k", 20)])
        try q.processAllAvailable()
        try q.processAllAvailable()
        // Per input: 100 - 10 = 90 s and 20 - 10 = 10 s.
        let first = policy == .min ? "1970-01-01T00:00:10.000Z" : "1970-01-01T00:01:30.000Z"
        #expect(q.lastProgress?.eventTime["watermark"] == first)
        let emitted = { startAndCount(delivered.all.flatMap(\.1)) }
        #expect(emitted() == (policy == .min ? [] : [[20, 1]]))

        try add(dir.sub("slow"), "s1.jsonl", [("k", 95)])
        try q.processAllAvailable()
        try q.processAllAvailable()
        // 95 - 10 = 85 s for the slow input.
        #expect(q.lastProgress?.eventTime["watermark"] == (policy == .min ? "1970-01-01T00:01:25.000Z" : "1970-01-01T00:01:30.000Z"))
        #expect(emitted() == [[20, 1]])
    }

    /// Each input of a union reads only the columns used above it, even one that keeps more
    /// (a malformed-line mode judges whole records): both sides are projected to the same positions.
    @Test func unionInputsReadOnlyTheColumnsUsed() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("a"), "f0.jsonl", ids: 0..<5)
        try writeEvents(dir.sub("b"), "g0.jsonl", ids: 100..<105)
        let session = StreamingSession()
        let a = try session.readStream.schema(eventSchema).load(dir.sub("a"))
        let b = try session.readStream.schema(eventSchema).option(.mode(.dropMalformed)).load(dir.sub("b"))
        let stream = a.union(b.select(col("id"), col("user").as("who"), col("amount"), col("ts"))).select(col("id"), col("amount"))
        let pruned = ColumnPruning.apply(stream.plan)
        #expect(pruned.sources.map(\.schema.names) == [["id", "amount"], eventSchema.names])
        let sink = MemorySink(name: "union-pruned-\(UUID())")
        try stream.writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(sink.rows.sorted { Value.compareRows($0, $1) < 0 } == (Array(0..<5) + Array(100..<105)).map { [.int64(Int64($0)), .double(Double($0) * 1.5)] })
    }

    /// The event-time column stays when pruning, so a watermarked operator above the union works.
    @Test func aPrunedUnionKeepsItsEventTime() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("a"), "f0.jsonl", ids: 0..<5)
        try writeEvents(dir.sub("b"), "g0.jsonl", ids: 3..<8)
        let session = StreamingSession()
        let a = try session.readStream.schema(eventSchema).load(dir.sub("a")).withWatermark("ts", delay: .seconds(5))
        let b = try session.readStream.schema(eventSchema).load(dir.sub("b")).withWatermark("ts", delay: .seconds(5))
        let stream = a.union(b).dropDuplicatesWithinWatermark("id")
        let pruned = ColumnPruning.apply(stream.plan)
        #expect(pruned.sources.map(\.schema.names) == [eventSchema.names, eventSchema.names])
        let sink = MemorySink(name: "union-dedup-\(UUID())")
        try stream.select("id").writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(ids(sink).sorted() == (0..<8).map(Int64.init))
        #expect(ColumnPruning.apply(stream.select("id").plan).sources.map(\.schema.names) == [["id", "ts"], ["id", "ts"]])
    }

    @Test func aUnionOfStreamsWithOtherColumnsIsRefused() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("a"))
        let session = StreamingSession()
        let a = try session.readStream.schema(eventSchema).load(dir.sub("a"))
        func refusal(_ s: DataStream) -> AnalysisError? {
            do {
                _ = try s.writeStream.format(.memory("union-refused-\(UUID())")).start()
            } catch QueryError.analysis(let e) {
                return e
            } catch {}
            return nil
        }
        let count = refusal(a.union(a.select("id", "user")))
        #expect(count?.condition == "NUM_COLUMNS_MISMATCH")
        #expect(count?.text.contains("the first input has 4 columns and the second input has 2 columns") == true)
        let type = refusal(a.union(a.select(col("id"), col("amount").as("user"), col("user").as("amount"), col("ts"))))
        #expect(type?.condition == "INCOMPATIBLE_COLUMN_TYPE")
        #expect(type?.text.contains("The second column of the second table is \"DOUBLE\" type") == true)
    }
}
