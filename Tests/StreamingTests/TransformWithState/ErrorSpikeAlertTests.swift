import Foundation
import SpikeAlert
import Testing

@testable import Streaming

/// The error-spike example's processor (Examples/ErrorSpikeAlert), batch by batch: one "spike"
/// per episode, one "calm" once the watermark shows a quiet window, and state that goes away.
@Suite struct ErrorSpikeAlertTests {
    /// Threshold 3 in 5 minutes, 1-minute watermark; each row is one error of service `key`.
    static func harness() throws -> ProcessorHarness {
        try ProcessorHarness(mode: .append) {
            $0.withWatermark("ts", delay: .minutes(1)).groupByKey("key")
                .transformWithState(ErrorSpikeAlert(keyColumn: "key", timeColumn: "ts", threshold: 3), timeMode: .eventTime)
        }
    }

    /// Rows since the last call as "service event seconds errors".
    static func alerts(_ h: ProcessorHarness) -> [String] {
        h.newRows().map { row in
            let f = row.split(separator: ",").map(String.init)
            let seconds = Timestamps.parseISO8601(f[2]).map { $0 / 1_000_000 } ?? -1
            return "\(f[0]) \(f[1]) \(seconds) \(f[3])"
        }
    }

    static func errors(_ service: String, _ seconds: Int64...) -> [(String, Int64, Int64?)] { seconds.map { (service, $0, 1) } }

    @Test func alertsOncePerEpisodeAndAgainOnlyAfterCalm() throws {
        let h = try Self.harness()
        try h.add(Self.errors("api", 10, 70, 130))  // 3 in 5 minutes: not more than the threshold
        #expect(Self.alerts(h).isEmpty)
        try h.add(Self.errors("api", 190))  // the 4th within (−110 s, 190 s]
        #expect(Self.alerts(h) == ["api spike 190 4"])
        try h.add(Self.errors("api", 210) + Self.errors("web", 210))  // the episode goes on: no second alert
        #expect(Self.alerts(h).isEmpty)
        try h.add(Self.errors("x", 410))  // watermark 350 s: the window (10, 310] still holds 4
        #expect(Self.alerts(h).isEmpty)
        try h.add(Self.errors("x", 440))  // watermark 380 s: the window (70, 370] holds 3
        #expect(Self.alerts(h) == ["api calm 370 3"])
        try h.add(Self.errors("api", 450, 460, 470, 480))  // a new episode
        #expect(Self.alerts(h) == ["api spike 460 4"])
    }

    @Test func aQuietServiceLeavesNoState() throws {
        let h = try Self.harness()
        try h.add(Self.errors("api", 10, 20, 30, 40) + Self.errors("web", 15))
        #expect(Self.alerts(h) == ["api spike 40 4"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 2)
        // Watermark 1000 s: every timer fires in one batch, each re-registered one (the next
        // oldest error's exit) too, so "api" calms and both services' errors age out.
        try h.add(Self.errors("x", 1060))
        #expect(Self.alerts(h) == ["api calm 310 3"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 1)
    }

    @Test func lateErrorsDoNotCount() throws {
        let h = try Self.harness()
        try h.add(Self.errors("api", 600))  // watermark 540 s
        try h.add(Self.errors("api", 500, 510, 520, 530))  // at or before the watermark: dropped
        #expect(Self.alerts(h).isEmpty)
        #expect(h.q.recentProgress.last { $0.numInputRows > 0 }?.stateOperators.first?.numRowsDroppedByWatermark == 4)
    }
}
