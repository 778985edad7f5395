import Formats
import Synchronization

/// The observers of one query's phases, told in order: the fault injector first (a failure
/// injected on entering a phase happens before anything records the phase), then the trace,
/// then the trigger's timer.
struct PhaseObservers: Sendable {
    var observers: [any BatchPhaseObserver]

    func adding(_ observer: any BatchPhaseObserver) -> PhaseObservers {
        PhaseObservers(observers: observers + [observer])
    }

    func enter(_ phase: BatchPhase, _ batch: Int64?) throws {
        for o in observers { try o.enter(phase, batch: batch) }
    }

    func leave(_ phase: BatchPhase, _ batch: Int64?) throws {
        for o in observers { try o.leave(phase, batch: batch) }
    }

    /// Runs `body` as `phase` of `batch`: entered before, left after (not if it throws).
    func during<T>(_ phase: BatchPhase, _ batch: Int64?, _ body: () throws -> T) throws -> T {
        try enter(phase, batch)
        let result = try body()
        try leave(phase, batch)
        return result
    }
}

/// Times phases for a progress record's `durationMs` (Spark's keys: `walCommit`, `addBatch`...).
final class PhaseDurations: BatchPhaseObserver {
    private struct State {
        var started: [BatchPhase: ContinuousClock.Instant] = [:]
        var millis: [String: Int64] = [:]
    }
    private let state = Mutex(State())

    func enter(_ phase: BatchPhase, batch: Int64?) {
        guard phase.durationKey != nil else { return }
        let now = ContinuousClock.now
        state.withLock { $0.started[phase] = now }
    }

    func leave(_ phase: BatchPhase, batch: Int64?) {
        guard let key = phase.durationKey else { return }
        let now = ContinuousClock.now
        state.withLock { s in
            guard let start = s.started.removeValue(forKey: phase) else { return }
            s.millis[key, default: 0] += (now - start).milliseconds
        }
    }

    /// Milliseconds per phase that completed.
    var durations: [String: Int64] { state.withLock { $0.millis } }
}
