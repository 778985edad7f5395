import Foundation
import Testing

@testable import Streaming

/// Groups each key's events into bursts: events are kept in list state until the watermark
/// passes 3 s after the key's latest event, when one row (key, events, first, last) is emitted.
struct Bursts: StatefulProcessor {
    static let times = ListStateSpec<Int64>("times")
    var outputSchema: Schema {
        Schema([Field("key", .string), Field("events", .int64), Field("first", .timestamp), Field("last", .timestamp)])
    }
    var stateVariables: [any StateVariableSpec] { [Self.times] }

    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        let times = try state.list(Self.times)
        try times.appendList(try rows.column("ts").int64Values)
        for t in try state.listTimers() { try state.deleteTimer(atMicros: t) }
        try state.registerTimer(atMicros: try times.get().max()! + 3_000_000)
        return []
    }

    func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
    {
        let times = try state.list(Self.times)
        let all = try times.get()
        times.clear()
        return [[key[0], .int64(Int64(all.count)), .timestamp(all.min()!), .timestamp(all.max()!)]]
    }
}

/// A `transformWithState` query crashed at each step of a batch and restarted on the same
/// checkpoint produces exactly the rows of an uninterrupted run: state and timers are versioned
/// with the batch like every stateful operator's.
@Suite struct TransformWithStateRestartTests {
    static let files = 14

    /// Event times rising across files (4 s each, with disorder); each key appears in every
    /// third or fifth file only, so bursts end and timers fire as the watermark moves.
    static func writeInput(_ dir: TempDir) throws {
        try FileSystem.createDirectory(dir.sub("in"))
        for f in 0..<files {
            let rows = (0..<6).map { i -> String in
                let t = Int64(f * 4 + (i * 7) % 5)
                let key = i % 2 == 0 ? "k\(f % 3)" : "x\(f % 5)"
                return #"{"key":"\#(key)","ts":"\#(Timestamps.format(t * 1_000_000))","value":\#(i)}"#
            }
            try DurableFile.writeNew(dir.sub("in", String(format: "%03d.jsonl", f)), Array(rows.joined(separator: "\n").utf8))
        }
    }

    static func query(_ dir: TempDir) throws -> DataStream {
        try StreamingSession().readStream.schema(StreamHarness.schema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .withWatermark("ts", delay: .seconds(3))
            .groupByKey("key")
            .transformWithState(Bursts(), timeMode: .eventTime)
    }

    static func run(_ dir: TempDir, sink: MemorySink, hook: FaultHook? = nil) throws -> StreamingQuery {
        var w = try query(dir).writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
        if let hook { w = w.faultInjection(hook) }
        return try w.start()
    }

    static func reference() throws -> [[Value]] {
        let dir = TempDir()
        try Self.writeInput(dir)
        let sink = MemorySink(name: "tws-ref-\(UUID())")
        try run(dir, sink: sink).awaitTermination()
        return sink.rows
    }

    @Test(arguments: FaultPoint.allCases)
    func crashInBatch12LosesAndRepeatsNothing(fault: FaultPoint) throws {
        let expected = try Self.reference()
        #expect(expected.count > 10)
        let dir = TempDir()
        try Self.writeInput(dir)
        let sink = MemorySink(name: "tws-\(fault)-\(UUID())")
        let crashed = try Self.run(dir, sink: sink) { point, batch in
            if point == fault && batch == 12 { throw InjectedFault(point: point, batchId: batch) }
        }
        #expect(throws: InjectedFault.self) { try crashed.awaitTermination() }
        // State version 12 is rebuilt from the snapshot at 10 plus deltas 11 and 12.
        #expect(FileSystem.exists(dir.sub("cp", "state", "0", "0", "10.snapshot")))
        try Self.run(dir, sink: sink).awaitTermination()
        #expect(sink.rows == expected)
    }
}
