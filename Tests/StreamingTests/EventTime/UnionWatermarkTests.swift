import Foundation
import Testing

@testable import Streaming

/// The watermark of a union, batch by batch, after Spark's EventTimeWatermarkSuite
/// ("watermark with 2 streams", "MultipleWatermarkPolicy"). Every step restarts the query from
/// its checkpoint (`JoinHarness`), so the per-input watermarks must survive restarts.
@Suite struct UnionWatermarkTests {
    func union(_ policy: WatermarkPolicy = .min) throws -> JoinHarness {
        try JoinHarness(policy: policy) { a, b in
            a.withWatermark("time", delay: .seconds(10)).select("key").union(b.withWatermark("time", delay: .seconds(5)).select("key"))
        }
    }

    /// What `commits/N` of the last batch recorded: the next batch's watermark and each input's (ms).
    func recorded(_ h: JoinHarness) throws -> (global: Int64?, inputs: [Int64?]?) {
        let last = try CommitLog(checkpoint: CheckpointLayout(root: h.dir.sub("cp"))).latest()
        return (last?.meta.nextBatchWatermarkMicros.map { $0 / 1000 }, last?.meta.inputWatermarksMs)
    }

    /// "watermark with 2 streams": the global watermark is the slowest input's; an input with no
    /// data in a batch keeps its watermark; it never goes back.
    @Test func theMinimumOfTheInputsWatermarksSurvivingRestarts() throws {
        let h = try union()
        func after(first: [Int64] = [], second: [Int64] = []) throws -> Int64? {
            try h.add(left: first, right: second)
            return try recorded(h).global
        }
        #expect(try after(first: [11]) == 0)  // the second input has no data yet: 0
        #expect(try recorded(h).inputs == [1000, 0])
        #expect(try after(second: [6]) == 1000)
        #expect(try after(second: [8]) == 1000)  // stays at the first input's 1 s
        #expect(try after(first: [21]) == 3000)  // now the second input's 3 s
        #expect(try after(second: [17, 28, 39]) == 11000)
        #expect(try after(first: [31]) == 21000)
        #expect(try after(first: [41]) == 31000)
        #expect(try after(first: [51]) == 34000)  // the second input's 39 - 5
        #expect(try after(second: [6]) == 34000)  // never goes back
        #expect(try recorded(h).inputs == [41000, 34000])
    }

    /// "MultipleWatermarkPolicy" with max: the fastest input drives the watermark, and rows of
    /// the slower one behind it are late for a stateful operator above the union.
    @Test func theMaxPolicyFollowsTheFastestInput() throws {
        let h = try JoinHarness(policy: .max) { a, b in
            a.withWatermark("time", delay: .seconds(10)).union(b.withWatermark("time", delay: .seconds(15)))
                .groupBy(window(col("time"), .seconds(10))).count()
        }
        try h.add(left: [20], right: [30])
        #expect(try recorded(h).global == 15000)  // max(10, 15)
        try h.add(left: [120], right: [130])
        #expect(try recorded(h).global == 115000)
        try h.add(left: [150])
        #expect(try recorded(h).global == 140000)
        #expect(try recorded(h).inputs == [140000, 115000])
        // The windows up to 140 s were emitted; a second-input row at 135 s is late.
        try h.add(right: [135])
        #expect(h.state?.dropped == 1)
    }

    /// Rows whose event time is null count as 1970-01-01 in their input's statistics (as in
    /// Spark, whose accumulator reads a null long as 0): the input has had data, and its
    /// watermark is 0 - delay, not "none yet".
    @Test func nullEventTimesCountAsTheEpochForTheirInput() throws {
        let h = try union()
        try h.add(left: [(1, nil)])
        #expect(try recorded(h).inputs == [-10000, 0])
        #expect(try recorded(h).global == 0)
        // A real time next to nulls wins: the nulls' 0 is below it.
        try h.add(left: [(2, nil), (3, 40)], right: [(4, nil), (5, 30)])
        #expect(try recorded(h).inputs == [30000, 25000])
        #expect(try recorded(h).global == 25000)
    }

    /// A crash between the sink and `commits/N`: the re-run folds batch N into the inputs'
    /// watermarks as batch N-1 left them, so the result is the same as without the crash.
    @Test func aReRunBatchRecordsTheSameInputWatermarks() throws {
        func run(crash: Bool) throws -> [Int64?]? {
            let h = try union()
            try h.add(left: [50], right: [20])
            if crash {
                let fault: FaultHook = { p, b in if p == .afterSinkCommit && b == 1 { throw InjectedFault(point: p, batchId: b) } }
                #expect(throws: InjectedFault.self) { try h.add(left: [100], fault: fault) }
                try h.run()
            } else {
                try h.add(left: [100])
            }
            return try recorded(h).inputs
        }
        #expect(try run(crash: true) == run(crash: false))
        #expect(try run(crash: false) == [90000, 15000])
    }
}

/// `unionByName`: the second input's columns are matched to the first's by name.
@Suite struct UnionByNameTests {
    func inputs(_ dir: TempDir) throws -> (DataStream, DataStream) {
        try writeEvents(dir.sub("a"), "a.jsonl", ids: 0..<3)
        try writeEvents(dir.sub("b"), "b.jsonl", ids: 10..<13)
        let s = StreamingSession()
        return (try s.readStream.schema(eventSchema).load(dir.sub("a")), try s.readStream.schema(eventSchema).load(dir.sub("b")))
    }

    @Test func columnsAreMatchedByName() throws {
        let dir = TempDir()
        let (a, b) = try inputs(dir)
        let sink = MemorySink(name: "ubn-\(UUID())")
        try a.select("id", "user").unionByName(b.select("user", "id"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(sink.rows.map { $0[0] }.sorted { Value.compareRows([$0], [$1]) < 0 } == [0, 1, 2, 10, 11, 12].map { .int64($0) })
        #expect(sink.rows.allSatisfy { if case .string = $0[1] { return true } else { return false } })
    }

    @Test func aMissingColumnIsRefusedUnlessAllowed() throws {
        let dir = TempDir()
        let (a, b) = try inputs(dir)
        let refused = a.select("id", "user").unionByName(b.select("id", "amount"))
        #expect(throws: QueryError.self) { _ = try refused.schema() }
        let allowed = a.select("id", "user").unionByName(b.select("amount", "id"), allowMissingColumns: true)
        #expect(try allowed.schema().names == ["id", "user", "amount"])
        let sink = MemorySink(name: "ubn-missing-\(UUID())")
        try allowed.writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        let rows = sink.rows.sorted { Value.compareRows($0, $1) < 0 }
        #expect(rows.first == [.int64(0), .string("u0"), .null])
        #expect(rows.last == [.int64(12), .null, .double(18)])
    }
}
