import Foundation
import Testing

@testable import Streaming

/// Spark's TransformWithStateSuite scenarios (running count, processing-time and event-time
/// timers, restarts), batch by batch.
@Suite struct TransformWithStateTests {
    @Test func runningCountKeepsValueStateAcrossARestart() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(RunningCount(), timeMode: .none) }
        try h.add(keys: "a")
        #expect(h.newRows() == ["a,1"])
        try h.add(keys: "a", "b")
        #expect(h.newRows() == ["a,2", "b,1"])
        h.stop()
        try h.add(keys: "a", "b")
        // "a" reached 3: its state is cleared and nothing is emitted for it.
        #expect(h.newRows() == ["b,2"])
        try h.add(keys: "a", "c")
        #expect(h.newRows() == ["a,1", "c,1"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 3)
        #expect(h.q.lastProgress?.stateOperators.first?.operatorName == "transformWithStateExec")
    }

    @Test func processingTimeTimersFireOnceTheBatchTimeReachesThem() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(RunningCountWithProcessingTimer(), timeMode: .processingTime) }
        try h.advance(seconds: 1)
        try h.add(keys: "a")  // batch time 1 s: timer for "a" at 6 s
        #expect(h.newRows() == ["a,1"])
        try h.advance(seconds: 1)
        try h.add(keys: "b")
        #expect(h.newRows() == ["b,1"])
        let before = h.delivered.count
        try h.advance(seconds: 10)
        // No new data, but a timer is due: a batch runs for it alone.
        #expect(h.newRows() == ["a,-1"])
        #expect(h.delivered.count == before + 1)
        try h.add(keys: "b")
        #expect(h.newRows() == ["b,2"])
        h.stop()
        try h.advance(seconds: 1)
        try h.add(keys: "b", "c")  // "b" reaches 3 and is cleared; "c" gets a timer at 18 s
        #expect(h.newRows() == ["c,1"])
        try h.advance(seconds: 4)
        #expect(h.newRows().isEmpty)
        try h.advance(seconds: 1)
        #expect(h.newRows() == ["c,-1"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 0)
    }

    @Test func timersATimerRegistersCatchUpWithinTheBatchInTimeOrder() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(Heartbeat(), timeMode: .processingTime) }
        try h.add(keys: "a")  // batch time 0: first beat due at 5 s
        try h.advance(seconds: 6)
        #expect(h.newRows() == ["a,5@6"])
        let before = h.delivered.count
        try h.advance(seconds: 20)  // 26 s: the beats at 10 s and 15 s fire in one batch, then the chain ends
        #expect(h.newRows() == ["a,10@26", "a,15@26"])
        #expect(h.delivered.count == before + 1)
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 0)
    }

    @Test func aProcessingTimeTimerDueWhileStoppedFiresOnRestartWithoutData() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(RunningCountWithProcessingTimer(), timeMode: .processingTime) }
        try h.add(keys: "a")
        #expect(h.newRows() == ["a,1"])
        h.stop()
        try h.advance(seconds: 5)
        try h.start()
        #expect(h.newRows() == ["a,-1"])
    }

    @Test func eventTimeTimersFireInTheBatchAfterTheWatermarkPassesThem() throws {
        let h = try ProcessorHarness {
            $0.withWatermark("ts", delay: .seconds(10)).groupByKey("key").transformWithState(MaxEventTime(), timeMode: .eventTime)
        }
        try h.add([("a", 11, 1), ("a", 13, 1), ("a", 15, 1)])  // timer for "a" at 20 s; watermark becomes 5 s
        #expect(h.newRows() == ["a,15"])
        try h.add([("a", 4, 1)])  // at or before the watermark: dropped
        #expect(h.newRows().isEmpty)
        #expect(h.delivered.last.map { $0.1.isEmpty } == true)
        #expect(h.q.recentProgress.last { $0.numInputRows > 0 }?.stateOperators.first?.numRowsDroppedByWatermark == 1)
        try h.add([("a", 10, 1)])
        #expect(h.newRows() == ["a,15"])
        let batchOfB = h.delivered.count
        try h.add([("b", 31, 1)])  // watermark becomes 21 s after this batch: "a"'s timer fires in the next
        #expect(h.newRows() == ["b,31", "a,-1"])
        let batches = h.delivered[batchOfB...].map { $0.1.map { $0.map(\.description).joined(separator: ",") } }
        #expect(batches == [["b,31"], ["a,-1"]])
    }

    @Test func eventTimeTimersSurviveARestart() throws {
        let h = try ProcessorHarness {
            $0.withWatermark("ts", delay: .seconds(10)).groupByKey("key").transformWithState(MaxEventTime(), timeMode: .eventTime)
        }
        try h.add([("a", 11, 1), ("b", 20, 1)])  // timers at 16 s and 25 s; watermark 10 s
        #expect(h.newRows() == ["a,11", "b,20"])
        h.stop()
        try h.add([("c", 50, 1)])  // after it the watermark is 40 s: both stored timers fire, in time order
        #expect(h.newRows() == ["c,50", "a,-1", "b,-1"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 1)
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsRemoved == 2)
    }

    @Test func timersInTimeModeNoneFailTheQueryWithSparksError() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(TimerRegistering(), timeMode: .none) }
        let error = #expect(throws: (any Error).self) { try h.add(keys: "a") }
        #expect("\(error!)".contains("[STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE] Failed to perform stateful processor operation=registerTimer with invalid timeMode=NoTime"))
        #expect(h.delivered.isEmpty)
    }

    @Test func anUndeclaredStateVariableFailsTheQuery() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(UndeclaredVariable(), timeMode: .none) }
        let error = #expect(throws: (any Error).self) { try h.add(keys: "a") }
        #expect("\(error!)".contains("state variable 'countState' is not declared"))
    }

    @Test func completeModeIsRefusedAsInSpark() throws {
        let h = try ProcessorHarness(mode: .complete) { $0.groupByKey("key").transformWithState(RunningCount(), timeMode: .none) }
        let error = #expect(throws: QueryError.self) { try h.start() }
        #expect(error?.description.contains("[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: complete") == true)
    }

    @Test func eventTimeModeWithoutAWatermarkIsRefused() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(MaxEventTime(), timeMode: .eventTime) }
        let error = #expect(throws: QueryError.self) { try h.start() }
        #expect(error?.description.contains("call withWatermark on its input first") == true)
    }

    @Test func aStateVariableDeclaredTwiceIsRefused() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(DuplicateVariables(), timeMode: .none) }
        let error = #expect(throws: QueryError.self) { try h.start() }
        #expect(error?.description.contains("[STATEFUL_PROCESSOR_VARIABLE_ALREADY_DEFINED]") == true)
    }

    @Test func anUnknownKeyColumnIsSparksUnresolvedColumn() throws {
        let h = try ProcessorHarness { $0.groupByKey("service").transformWithState(RunningCount(), timeMode: .none) }
        let error = #expect(throws: QueryError.self) { try h.start() }
        #expect(error?.description.contains("[UNRESOLVED_COLUMN.WITH_SUGGESTION]") == true)
    }

    @Test func restartingWithOtherStateVariablesIsRefused() throws {
        let h = try ProcessorHarness { $0.groupByKey("key").transformWithState(RunningCount(), timeMode: .none) }
        try h.add(keys: "a")
        h.stop()
        h.build = { $0.groupByKey("key").transformWithState(TTLCommands(), timeMode: .none) }
        let error = #expect(throws: (any Error).self) { try h.start() }
        #expect("\(error!)".contains("state variables was countState: value<value int64>, now list: list<value int64> ttl 60000000 µs"))
    }

    @Test func aSecondStatefulOperatorAfterItIsRefusedForNow() throws {
        let h = try ProcessorHarness {
            $0.groupByKey("key").transformWithState(RunningCount(), timeMode: .none).groupBy("key").count()
        }
        let error = #expect(throws: QueryError.self) { try h.start() }
        #expect(error?.description.contains("SLUICE_") == true)
    }
}
