import Foundation
import Testing

@testable import Streaming

@Suite struct WatermarkRulesTests {
    /// EventTimeWatermarkSuite "MultipleWatermarkPolicy": inputs with delays 10 s and 15 s.
    @Test func minAndMaxPolicies() {
        var maxT = WatermarkTracker(inputs: 2, policy: .max, restoredMicros: nil)
        var minT = WatermarkTracker(inputs: 2, policy: .min, restoredMicros: nil)
        func s(_ x: Int64?) -> Int64? { x.map { $0 * 1_000_000 } }
        for t in [(20, 30), (120, 130)] as [(Int64, Int64)] {
            maxT.update(maxEventTimes: [s(t.0), s(t.1)], delaysMs: [10_000, 15_000])
            minT.update(maxEventTimes: [s(t.0), s(t.1)], delaysMs: [10_000, 15_000])
        }
        #expect(maxT.currentMs == 115_000 && minT.currentMs == 110_000)
        maxT.update(maxEventTimes: [s(150), nil], delaysMs: [10_000, 15_000])
        minT.update(maxEventTimes: [nil, s(150)], delaysMs: [10_000, 15_000])
        #expect(maxT.currentMs == 140_000)
        #expect(minT.currentMs == 110_000)
    }

    /// "watermark with 2 streams": an input without data holds the minimum at 0; never backwards.
    @Test func inputsWithoutDataHoldTheMinimumAndItNeverGoesBack() {
        var w = WatermarkTracker(inputs: 2, policy: .min, restoredMicros: nil)
        func step(_ l: Int64?, _ r: Int64?) -> Int64 {
            w.update(maxEventTimes: [l.map { $0 * 1_000_000 }, r.map { $0 * 1_000_000 }], delaysMs: [10_000, 5_000])
            return w.currentMs
        }
        #expect(step(11, nil) == 0)
        #expect(step(nil, 6) == 1000)
        #expect(step(nil, 8) == 1000)
        #expect(step(21, nil) == 3000)
        #expect(step(nil, 39) == 11000)
        #expect(step(100, 100) == 90000)
        #expect(step(100, 100) == 90000)
    }

    @Test func watermarkIsWholeMillisecondsAndStartsAtZero() {
        var w = WatermarkTracker(inputs: 1, policy: .min, restoredMicros: nil)
        #expect(w.currentMicros == 0)
        w.update(maxEventTimes: [5_000_999], delaysMs: [10_000])
        #expect(w.currentMicros == 0)
        w.update(maxEventTimes: [25_000_999], delaysMs: [10_000])
        #expect(w.currentMicros == 15_000_000)
    }

    @Test func sparkOutputModeRulesAreEnforcedAtStart() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let s = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try s.groupBy("key").count().writeStream.format(.memory("a")).outputMode(.append).start() }
            .contains("[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: append."))
        #expect(message { _ = try s.select("key").writeStream.format(.memory("b")).outputMode(.complete).start() }
            .contains("[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: complete."))
        #expect(message { _ = try s.dropDuplicatesWithinWatermark("key").writeStream.format(.memory("c")).start() }
            .contains("dropDuplicatesWithinWatermark is not supported"))
        #expect(message {
            _ = try s.withWatermark("ts", delay: .seconds(1)).groupBy("ts").count().dropDuplicates("ts")
                .writeStream.format(.memory("d")).outputMode(.update).start()
        }.contains("Detected pattern of possible 'correctness' issue due to global watermark."))
        #expect(message { _ = try s.withWatermark("key", delay: .seconds(1)).writeStream.format(.memory("e")).start() }
            .contains("[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE]"))
        #expect(message { _ = try s.groupBy(window(col("ts"), .seconds(5)), window(col("ts"), .seconds(10))).count().writeStream.format(.memory("f")).outputMode(.update).start() }
            .contains("at most one window"))
    }

    @Test func filtersNotOnEventTimeArePushedBelowTheWatermark() throws {
        // Only rows that pass the filter count toward the watermark, as in Spark.
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(10)).filter(col("key") == "keep").groupBy(window(col("ts"), .seconds(5))).count()
        }
        try h.add([("keep", 10, 1), ("drop", 100, 1)])
        try h.add([("keep", 30, 1)])
        #expect(h.lastProgressWithData?.eventTime["max"] == Timestamps.formatMillis(30_000_000))
        #expect(startAndCount(h.newRows()) == [[10, 1]])
    }

    @Test func everyStackedFilterIsPushedBelowTheWatermark() throws {
        let dir = TempDir()
        let source = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.path)
        let stream = source.withWatermark("ts", delay: .seconds(10))
            .filter(col("key") != "a").filter(col("key") != "b").filter(col("key") != "c")
        guard case .watermark(_, _, _, let below) = QueryPlanner.pushFiltersBelowWatermark(stream.plan) else {
            Issue.record("the watermark is not on top: some filter stayed above it")
            return
        }
        var filters = 0
        var node = below
        while case .filter(_, let child) = node {
            filters += 1
            node = child
        }
        #expect(filters == 3)
        guard case .source = node else {
            Issue.record("expected the source under the filters")
            return
        }
    }
}

@Suite struct WatermarkWedgeTests {
    @Test func anEventFarInTheFutureDoesNotMoveTheWatermark() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(5))).count()
        }
        let year9999: Int64 = 253_370_764_800
        try h.add(times: 10, year9999)
        #expect(h.lastProgressWithData?.eventTime["aheadOfProcessingTime"] == "1")
        try h.add(times: 12, 30)
        // Without the cap the watermark would sit in the year 9999 and drop 12 as late.
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 0)
        #expect(startAndCount(h.newRows()) == [[10, 2]])
    }

    @Test func withoutTheCapSparkSemanticsApply() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(10), maxAheadOfProcessingTime: nil).groupBy(window(col("ts"), .seconds(5))).count()
        }
        try h.add(times: 10, 253_370_764_800)
        try h.add(times: 12)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 1)
    }
}
