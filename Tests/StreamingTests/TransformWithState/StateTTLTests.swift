import Foundation
import Testing

@testable import Streaming

/// Spark's TransformWithValueStateTTLSuite, TransformWithListStateTTLSuite and
/// TransformWithMapStateTTLSuite scenarios: TTL follows the batch's processing time, every
/// write sets the written value's expiry, reads never see an expired value, and expired values
/// leave the store at the end of the batch.
@Suite struct StateTTLTests {
    static func harness(_ mode: TimeMode) throws -> ProcessorHarness {
        try ProcessorHarness { $0.groupByKey("key").transformWithState(TTLCommands(), timeMode: mode) }
    }

    @Test func valueListAndMapStateExpireByProcessingTime() throws {
        let h = try Self.harness(.processingTime)
        try h.advance(seconds: 1)
        try h.add([("k", 0, 5)])  // written at 1 s: expires at 61 s
        try h.advance(seconds: 1)
        try h.add([("k", 0, 0)])
        #expect(h.newRows() == ["k,value=5 list=5 map=5:5"])
        try h.advance(seconds: 30)
        try h.add([("k", 0, 7)])  // written at 32 s: expires at 92 s; the value's TTL restarts
        try h.advance(seconds: 28)
        try h.add([("k", 0, 0)])  // 60 s: nothing expired yet
        #expect(h.newRows() == ["k,value=7 list=5 7 map=5:5 7:7"])
        try h.advance(seconds: 1)
        // 61 s: the list element and map entry written at 1 s are gone, the rest stays.
        try h.add([("k", 0, 0)])
        #expect(h.newRows() == ["k,value=7 list=7 map=7:7"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 1)
        try h.advance(seconds: 31)
        // 92 s: everything expired; in processing-time mode a batch runs for it without data.
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 0)
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsRemoved == 1)
        try h.add([("k", 0, 0)])
        #expect(h.newRows() == ["k,value=none list= map="])
    }

    @Test func readsDoNotExtendTheTTL() throws {
        let h = try Self.harness(.processingTime)
        try h.add([("k", 0, 3)])  // expires at 60 s
        for _ in 0..<5 {
            try h.advance(seconds: 11)
            try h.add([("k", 0, 0)])
        }
        #expect(h.newRows().allSatisfy { $0 == "k,value=3 list=3 map=3:3" })
        try h.advance(seconds: 5)  // 60 s
        try h.add([("k", 0, 0)])
        #expect(h.newRows() == ["k,value=none list= map="])
    }

    @Test func withoutTimersExpiredStateGoesWithTheNextBatchThatRuns() throws {
        let h = try Self.harness(.none)
        try h.add([("k", 0, 4), ("j", 0, 2)])
        try h.advance(seconds: 30)
        try h.add([("j", 0, 9)])
        let batches = h.delivered.count
        try h.advance(seconds: 40)
        // Time mode none: no batch runs for TTL alone (Spark runs no-data batches only in processing-time mode).
        #expect(h.delivered.count == batches)
        try h.add([("j", 0, 0)])
        // "k" (written at 0 s) and j's first values expired at 60 s; j's later ones stay until 90 s.
        #expect(h.newRows() == ["j,value=9 list=9 map=9:9"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 1)
    }

    @Test func stateThatExpiredWhileStoppedGoesOnRestart() throws {
        let h = try Self.harness(.processingTime)
        try h.add([("k", 0, 1)])
        h.stop()
        try h.advance(seconds: 120)
        try h.start()  // the due expiry is found in the stored state and a batch runs for it
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 0)
        try h.add([("k", 0, 0)])
        #expect(h.newRows() == ["k,value=none list= map="])
    }
}
