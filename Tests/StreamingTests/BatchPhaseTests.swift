import Foundation
import Synchronization
import Testing

@testable import Streaming

/// One vocabulary of batch phases: the execution tells observers as it enters and leaves each
/// phase; timings, the crash trace and fault injection are observers of the same calls.
@Suite struct BatchPhaseTests {
    final class Recorder: BatchPhaseObserver {
        let events = Mutex<[String]>([])
        func enter(_ phase: BatchPhase, batch: Int64?) { events.withLock { $0.append("+\(phase.rawValue) \(batch ?? -1)") } }
        func leave(_ phase: BatchPhase, batch: Int64?) { events.withLock { $0.append("-\(phase.rawValue) \(batch ?? -1)") } }
    }

    @Test func aBatchGoesThroughThePhasesInProtocolOrderAndProgressTimesThem() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<10)
        let recorder = Recorder()
        let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .dropDuplicates("id")
            .writeStream.format(.memory("phases-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow)
            .observingPhases(recorder).start()
        try q.awaitTermination()
        let batch0 = recorder.events.withLock { $0 }.filter { $0.hasSuffix(" 0") }
        #expect(batch0 == [
            "+trigger 0", "+latest-offset 0", "-latest-offset 0", "+offsets-write 0", "-offsets-write 0", "+data-read 0", "-data-read 0",
            "+execution 0", "-execution 0", "+state-commit 0", "-state-commit 0", "+sink-write 0", "-sink-write 0",
            "+commits-write 0", "-commits-write 0", "+idle 0", "-trigger 0",
        ])
        let timed = Set(try #require(q.lastProgress).durationMs.keys)
        #expect(timed == ["triggerExecution", "latestOffset", "walCommit", "getBatch", "execution", "stateCommit", "addBatch", "commitOffsets"])
    }

    @Test func everyFaultPointIsAPhaseBoundary() {
        let entering = BatchPhase.allCases.compactMap(FaultPoint.at(entering:))
        let leaving = BatchPhase.allCases.compactMap(FaultPoint.at(leaving:))
        #expect(Set(entering + leaving) == Set(FaultPoint.allCases))
        #expect(entering.count + leaving.count == FaultPoint.allCases.count)
    }

    /// The trace keeps the phase names the torture harness reads; phases inside a traced one
    /// leave the record as it was.
    @Test func theTraceRecordsOnlyTheTracedPhases() throws {
        let dir = TempDir()
        let trace = try PhaseTrace(path: dir.sub("trace"))
        trace.enter(.dataRead, batch: 3)
        trace.enter(.execution, batch: 3)
        trace.enter(.stateCommit, batch: 3)
        let record = try #require(PhaseTrace.read(dir.sub("trace")))
        #expect(record.sequence == 1 && record.phase == .dataRead && record.batch == 3)
        trace.enter(.stateDelta, batch: 3)
        #expect(PhaseTrace.read(dir.sub("trace"))?.phase == .stateDelta)
        #expect(BatchPhase.traced.map(\.rawValue) == [
            "startup", "latest-offset", "offsets-write", "data-read", "state-delta", "state-snapshot", "sink-write", "sink-data-files",
            "sink-log-commit", "commits-write", "idle",
        ])
    }
}
