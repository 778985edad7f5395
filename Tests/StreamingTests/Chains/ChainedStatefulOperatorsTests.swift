import Foundation
import Testing

@testable import Streaming

/// Spark's `MultiStatefulOperatorsSuite`, batch by batch: each `add` is a data batch followed by
/// the no-data batch the moved watermark calls for. Every operator runs with the watermarks
/// propagated to it (`WatermarkPropagation`): it drops rows at or before its late-events
/// watermark and finalises state at or before its eviction watermark.
///
/// Progress lists operators by operator id, children first (Spark lists them top first), and
/// Sluice counts input rows dropped as late where Spark counts them after its partial
/// aggregation (one per window): the counts asserted here are Sluice's.
@Suite struct ChainedStatefulOperatorsTests {
    /// Rows with event time = value seconds, as Spark's `timestamp_seconds($"value")`.
    static func values(_ range: ClosedRange<Int64>) -> [(String, Int64, Int64?)] { range.map { ("k", $0, $0) } }
    static func values(_ list: Int64...) -> [(String, Int64, Int64?)] { list.map { ("k", $0, $0) } }

    static func seconds(_ v: Value) -> Int64 {
        if case .timestamp(let t) = v { return t / 1_000_000 }
        if case .int64(let n) = v { return n }
        return -1
    }

    /// Each row as integers: timestamps in seconds, counts and sums as they are.
    static func ints(_ rows: [[Value]]) -> [[Int64]] { rows.map { $0.map(seconds) } }

    func stateRows(_ h: StreamHarness) -> [Int64] { h.q.lastProgress?.stateOperators.map(\.numRowsTotal) ?? [] }
    func dropped(_ h: StreamHarness) -> [Int64] { h.lastProgressWithData?.stateOperators.map(\.numRowsDroppedByWatermark) ?? [] }

    @Test func windowAggregationThenWindowAggregation() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(0))
                .groupBy(window(col("ts"), .seconds(5))).agg(count().as("count"))
                .groupBy(window(col("window"), .seconds(10))).agg(count().as("count"), sum(col("count")).as("sum"))
                .select(col("window.start"), col("count"), col("sum"))
        }
        try h.add(Self.values(10...21))
        // op1 emits [10,15) 5 and [15,20) 5 at watermark 21; op2 folds both into [10,20), final too.
        #expect(Self.ints(h.newRows()) == [[10, 2, 10]])
        #expect(stateRows(h) == [1, 0])
        #expect(dropped(h) == [0, 0])

        try h.add(Self.values(10...29))
        // 10...19 are late for op1 (their windows end at or before 21); [20,25) ends at 25 <= 29
        // and reaches op2's [20,30), which stays open.
        #expect(h.newRows().isEmpty)
        #expect(stateRows(h) == [1, 1])
        #expect(dropped(h) == [10, 0])

        try h.add(Self.values(30, 31))
        #expect(Self.ints(h.newRows()) == [[20, 2, 12]])
        #expect(stateRows(h) == [1, 0])
        #expect(dropped(h) == [0, 0])
    }

    @Test func threeAggregationsThroughWindowTime() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(0))
                .groupBy(window(col("ts"), .seconds(5))).agg(count().as("count"))
                .groupBy(window(windowTime(col("window")), .seconds(10))).agg(count().as("count"), sum(col("count")).as("sum"))
                .groupBy(window(windowTime(col("window")), .seconds(20))).agg(count().as("count"), sum(col("sum")).as("sum"))
                .select(col("window.start"), col("window.end"), col("count"), col("sum"))
        }
        try h.add(Self.values(0...37))
        #expect(Self.ints(h.newRows()) == [[0, 20, 2, 20]])
        #expect(stateRows(h) == [1, 1, 1])
        #expect(dropped(h) == [0, 0, 0])

        try h.add(Self.values(30...60))
        // 30...34 are late for op1 ([30,35) ends at 35 <= 37); 35...37 still count.
        #expect(Self.ints(h.newRows()) == [[20, 40, 2, 23], [40, 60, 2, 20]])
        #expect(stateRows(h) == [1, 0, 0])
        #expect(dropped(h) == [5, 0, 0])
    }

    @Test func deduplicationThenAggregation() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(10))
                .dropDuplicates("value", "ts")
                .groupBy(window(col("ts"), .seconds(5))).agg(count().as("count"), sum(col("value")).as("sum"))
                .select(col("window.start"), col("count"))
        }
        try h.add(Self.values(1...15))
        // Watermark 5: the dedup forgets 1...5, the aggregation emits [0,5).
        #expect(Self.ints(h.newRows()) == [[0, 4]])
        #expect(stateRows(h) == [10, 3])
        #expect(dropped(h) == [0, 0])
        // A duplicate of a remembered key goes nowhere; one the watermark passed is late.
        try h.add(Self.values(4, 12, 16))
        #expect(h.newRows().isEmpty)
        #expect(dropped(h) == [1, 0])
        try h.add(Self.values(26))
        #expect(Self.ints(h.newRows()) == [[5, 5], [10, 5]])
    }

    /// Sessionization into a per-window count: a session's event time is its end minus 1 µs.
    @Test func sessionWindowsThenWindowAggregation() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(0))
                .groupBy(sessionWindow(col("ts"), .seconds(5)), col("key")).agg(count().as("events"))
                .groupBy(window(col("window"), .seconds(10))).agg(count().as("sessions"), sum(col("events")).as("events"))
                .select(col("window.start"), col("sessions"), col("events"))
        }
        try h.add([("a", 1, 1), ("a", 3, 1), ("b", 2, 1)])
        #expect(h.newRows().isEmpty)
        // Watermark 20: sessions a [1,8) and b [2,7) close; both fall in [0,10), which closes too.
        try h.add([("c", 20, 1)])
        #expect(Self.ints(h.newRows()) == [[0, 2, 3]])
        #expect(stateRows(h) == [1, 0])
    }

    @Test func aggregationThenDeduplicationWithoutEventTimeKeepsItsState() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(0))
                .groupBy(window(col("ts"), .seconds(5))).agg(count().as("count"))
                .withColumn("windowEnd", col("window.end"))
                .dropDuplicates("count", "windowEnd")
                .select(col("windowEnd"), col("count"))
        }
        try h.add(Self.values(1, 5, 10, 15))
        #expect(Self.ints(h.newRows()) == [[5, 1], [10, 1], [15, 1]])
        #expect(stateRows(h) == [1, 3])
        #expect(dropped(h) == [0, 0])
        try h.add(Self.values(17))
        #expect(h.newRows().isEmpty)
        #expect(stateRows(h) == [1, 3])
    }

    @Test func aggregationThenDeduplicationOnWindowTimeIsTrimmed() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(0))
                .groupBy(window(col("ts"), .seconds(5))).agg(count().as("count"))
                .withColumn("windowEnd", col("window.end"))
                .withColumn("windowTime", windowTime(col("window")))
                .dropDuplicates("count", "windowEnd", "windowTime")
                .select(col("windowEnd"), col("windowTime"), col("count"))
        }
        try h.add(Self.values(1, 5, 10, 15))
        let rows = h.newRows()
        #expect(rows.map { Self.seconds($0[0]) } == [5, 10, 15])
        // window_time is the window's end minus 1 µs.
        #expect(rows.map { $0[1] } == [.timestamp(4_999_999), .timestamp(9_999_999), .timestamp(14_999_999)])
        // Every window time is at or before the watermark (15 s): the dedup's state is trimmed.
        #expect(stateRows(h) == [1, 0])
    }

    /// With only `windowTime` kept, the deduplication drops late rows and forgets keys by it.
    @Test func deduplicationOnAProjectedWindowTime() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(0))
                .groupBy(window(col("ts"), .seconds(5))).agg(count().as("count"))
                .select(windowTime(col("window")).as("wt"), col("count"))
                .dropDuplicates("wt")
        }
        try h.add(Self.values(1, 5, 10, 15))
        #expect(h.newRows().count == 3)
        #expect(stateRows(h) == [1, 0])
    }

    /// The README's example chain analyses to the columns it describes and starts in append mode.
    @Test func readmeChainStarts() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let logs = try StreamingSession().readStream.schema(Schema([
            Field("timestamp", .timestamp), Field("level", .string), Field("service", .string), Field("latency_ms", .int64),
        ])).load(dir.sub("in"))
        let perService = logs
            .withWatermark("timestamp", delay: .minutes(10))
            .dropDuplicates("timestamp", "service", "latency_ms")
            .groupBy(window(col("timestamp"), .minutes(1)), col("service"))
            .agg(count().as("errors"))
        let busyMinutes = perService
            .groupBy(window(col("window"), .minutes(10)))
            .agg(count().as("services"), sum(col("errors")).as("errors"))
            .select(col("window.start"), col("window.end"), col("services"), col("errors"))
        #expect(try busyMinutes.schema().names == ["start", "end", "services", "errors"])
        let q = try busyMinutes.writeStream.format(.memory("readme_chain")).outputMode(.append).checkpointLocation(dir.sub("cp")).start()
        q.stop()
    }

    /// The output's event time feeds the next operator as Spark's window struct does.
    @Test func windowTimeAndWindowBoundsAreReadable() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let stream = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
            .withWatermark("ts", delay: .seconds(0)).groupBy(window(col("ts"), .seconds(5))).count()
        #expect(try stream.select(col("window")).schema().names == ["window_start", "window_end"])
        #expect(try stream.select(col("window.start"), col("window.end")).schema().names == ["start", "end"])
        #expect(try stream.select(windowTime(col("window"))).schema().fields == [Field("window_time(window)", .timestamp)])
    }

    /// Outside append mode an aggregation followed by another stateful operator is refused (Spark's
    /// global-watermark correctness check): that is how Spark refuses update mode with chains.
    @Test func updateModeWithAChainIsRefusedAsSparkRefusesIt() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let s = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in")).withWatermark("ts", delay: .seconds(0))
        let chains: [DataStream] = [
            s.groupBy(window(col("ts"), .seconds(5))).count().groupBy(window(col("window"), .seconds(10))).count(),
            s.groupBy(window(col("ts"), .seconds(5))).count().withColumn("wt", windowTime(col("window"))).dropDuplicates("wt"),
        ]
        for (i, chain) in chains.enumerated() {
            for mode in [OutputMode.update, .complete] {
                do {
                    _ = try chain.writeStream.format(.memory("u\(i)\(mode)")).outputMode(mode).checkpointLocation(dir.sub("cp\(i)\(mode)")).start()
                    Issue.record("\(mode) chain \(i) started")
                } catch QueryError.analysis(let e) {
                    #expect(e.message.hasPrefix("Detected pattern of possible 'correctness' issue due to global watermark."))
                }
            }
        }
    }
}
