#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Streaming

/// Runs one worker under a kill plan: watches it (and its phase trace) and SIGKILLs it at the
/// planned moment, then reports where it died.
struct KillLoop {
    /// The trace file workers write (`SLUICE_TRACE_PHASES`).
    let tracePath: String
    /// A targeted kill whose phase never comes fires anyway after this long.
    var targetTimeoutMs = 20_000

    enum Outcome {
        /// Killed; the last phase the worker entered (nil: before its query started).
        case killed(PhaseTrace.Record?)
        /// Ended on its own (possibly just before the kill).
        case exited(WorkerProcess.Exit)
    }

    /// Removes the previous worker's record, so a worker killed before its query starts is not
    /// mistaken for one in the previous worker's phase.
    func resetTrace() throws {
        if FileSystem.exists(tracePath) { try FileSystem.remove(tracePath) }
    }

    /// Watches `worker` (polling every 0.5 ms) until `plan` says to kill it or it ends on its own.
    func run(_ worker: WorkerProcess, plan: KillPlan) -> Outcome {
        let start = ContinuousClock.now
        func elapsedMs() -> Int { Int((ContinuousClock.now - start).wholeMilliseconds) }
        var lastSequence: Int64 = -1
        var entries = 0
        while true {
            if let exit = worker.poll() { return .exited(exit) }
            switch plan {
            case .after(let ms):
                if elapsedMs() >= ms { return kill(worker) }
            case .inPhase(let phase, let occurrence, let extraMs):
                if let r = PhaseTrace.read(tracePath), r.sequence != lastSequence {
                    lastSequence = r.sequence
                    if r.phase == phase {
                        entries += 1
                        if entries == occurrence {
                            if extraMs > 0 { usleep(UInt32(extraMs) * 1000) }
                            return kill(worker)
                        }
                    }
                }
                if elapsedMs() >= targetTimeoutMs { return kill(worker) }
            }
            // Phases last at least the phase delay, so polling every 0.5 ms sees each of them.
            usleep(500)
        }
    }

    private func kill(_ worker: WorkerProcess) -> Outcome {
        worker.sigkill()
        let exit = worker.wait()
        // It may have finished (or failed) on its own just before the signal.
        guard exit == .signaled(SIGKILL) else { return .exited(exit) }
        return .killed(PhaseTrace.read(tracePath))
    }
}
