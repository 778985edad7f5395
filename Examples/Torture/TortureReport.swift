import Streaming

/// What the torture of one query found, and how it is printed.
struct TortureReport {
    let query: TortureQuery
    var kills = 0
    var timedKills = 0
    var aimedKills = 0
    /// Kills per phase the worker was in when SIGKILL landed (`process-start`: before its query started).
    var killsByPhase: [String: Int] = [:]
    var workerStarts = 0
    /// Workers started to check a predicted refusal (not killed, not counted in `workerStarts`).
    var refusedStarts = 0
    /// Newest commit files deleted between workers (`--lose-last-commit-every`).
    var lostCommits = 0
    /// Operator actions between and beside the workers, and what came of them.
    var operators = OperatorTally()
    var rounds = 0
    var referenceBatches: Int64 = 0
    var referenceRows = 0
    var referenceVersion: Int64 = 0
    var referenceSeconds = 0.0
    var seconds = 0.0
    var failures: [String] = []

    var ok: Bool { failures.isEmpty }

    /// Label of a kill before the worker's query started (process exec, argument parsing).
    static let beforeQuery = "process-start"
    static let phaseLabels = [beforeQuery] + BatchPhase.traced.map(\.rawValue)
    /// The steps of batch N (not startup or idle), each of which a run should hit.
    static let batchSteps: [PhaseTrace.Phase] = [
        .latestOffset, .offsetsWrite, .dataRead, .stateDelta, .stateSnapshot, .sinkWrite, .sinkDataFiles, .sinkLogCommit, .commitsWrite,
    ]

    /// Steps of the batch protocol no kill has landed in yet (a query without state has no state steps).
    var missedSteps: [PhaseTrace.Phase] {
        Self.batchSteps.filter { KillScheduler.targets(query).contains($0) && (killsByPhase[$0.rawValue] ?? 0) == 0 }
    }

    mutating func countKill(_ plan: KillPlan, landedIn record: PhaseTrace.Record?) {
        kills += 1
        killsByPhase[record?.phase.rawValue ?? Self.beforeQuery, default: 0] += 1
        if case .after = plan { timedKills += 1 } else { aimedKills += 1 }
    }

    func print() {
        Swift.print("")
        Swift.print("== \(query.rawValue): \(ok ? "OK" : "FAILED") ==")
        Swift.print(
            String(
                format: "reference: %lld batches, %d rows, table version %lld, %.1f s", referenceBatches, referenceRows,
                referenceVersion, referenceSeconds))
        Swift.print(
            String(
                format: "kills: %d (%d at random times, %d aimed at a phase), %d worker starts, %d rounds, %.1f s", kills,
                timedKills, aimedKills, workerStarts, rounds, seconds))
        if refusedStarts > 0 { Swift.print("starts refused as predicted (each checked for the batches it names): \(refusedStarts)") }
        if lostCommits > 0 { Swift.print("table commits deleted between workers (re-applied by the next): \(lostCommits)") }
        operators.print()
        Swift.print("kills by phase at the moment of SIGKILL:")
        for label in Self.phaseLabels where query.hasState || !["state-delta", "state-snapshot"].contains(label) {
            Swift.print("  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + String(killsByPhase[label] ?? 0))
        }
        if !missedSteps.isEmpty { Swift.print("  (no kill landed in: \(missedSteps.map(\.rawValue).joined(separator: ", ")))") }
        if ok {
            Swift.print(
                "result: OK, every round's table equals the reference (\(referenceRows) rows)"
                    + (operators.replaysInFinalTables > 0 ? " or, where a replay rewrote days, what the replay rules promise" : "")
                    + ": none missing, none twice")
        } else {
            Swift.print("result: FAILED")
            for line in failures { Swift.print("  " + line) }
        }
    }
}
