import Streaming

/// One round: workers on a fresh table and checkpoint, each killed as the scheduler plans and
/// restarted, with the operator actions due between kills and the companions due beside the
/// workers, until one runs to the end of the backlog.
struct TortureRound {
    let settings: TortureDriver.Settings
    let query: TortureQuery
    let input: String
    let environment: [String: String]
    let loop: KillLoop
    /// Output of the current worker (kept for the report when one fails).
    let log: String
    var scheduler: KillScheduler
    var operators: OperatorSchedule
    /// Seeds the companions' choices (which day to replay, whether to kill the replay).
    var companionRng: SplitMix64

    /// More kills are due: `--kills` not reached, or (with `--require-every-step`) a step not yet
    /// hit and fewer than three times `--kills` done.
    func wantsKills(_ report: TortureReport) -> Bool {
        report.kills < settings.kills
            || (settings.requireEveryStep && !report.missedSteps.isEmpty && report.kills < settings.kills * 3)
    }

    func spawnWorker(state: RoundState) throws -> WorkerProcess {
        try loop.resetTrace()
        return try WorkerProcess(
            executable: settings.executable,
            arguments: ["worker", "--query", query.rawValue, "--input", input, "--table", state.table, "--checkpoint", state.checkpoint],
            environment: environment, log: log)
    }

    /// Runs workers until one exits 0 (true) or something fails (false, recorded in `report`).
    mutating func run(state: inout RoundState, report: inout TortureReport) throws -> Bool {
        while true {
            let worker = try spawnWorker(state: state)
            report.workerStarts += 1
            guard try startCompanions(workerStart: report.workerStarts, state: &state, report: &report) else {
                worker.sigkill()
                _ = worker.wait()
                return false
            }
            let exit: WorkerProcess.Exit
            if wantsKills(report) {
                let plan = scheduler.next()
                switch loop.run(worker, plan: plan) {
                case .killed(let record):
                    report.countKill(plan, landedIn: record)
                    if case .inPhase(let target, _, _) = plan, record?.phase != target { scheduler.missed(target) }
                    if settings.verbose {
                        let landed = record.map { "\($0.phase.rawValue)\($0.batch.map { " \($0)" } ?? "")" } ?? TortureReport.beforeQuery
                        print("  kill \(report.kills): \(plan) -> \(landed)")
                    }
                    guard try companionsAfterWorker(state: &state, report: &report) else { return false }
                    guard try actBetweenWorkers(state: &state, report: &report) else { return false }
                    continue
                case .exited(let e):
                    scheduler.unused(plan)
                    exit = e
                }
            } else {
                exit = try awaitLastWorker(worker, state: &state, report: &report)
            }
            guard try stopCompanions(state: &state, report: &report) else { return false }
            if exit == .exited(0) { return true }
            report.failures.append("round \(report.rounds): worker ended with \(exit) (not killed by the harness):")
            report.failures += Self.tail(log)
            return false
        }
    }

    /// The operator's actions due after this kill, with everything beside the workers stopped first.
    private mutating func actBetweenWorkers(state: inout RoundState, report: inout TortureReport) throws -> Bool {
        let loseCommit = settings.loseLastCommitEvery > 0 && report.kills % settings.loseLastCommitEvery == 0
        let actions = operators.due(afterKill: report.kills)
        guard loseCommit || !actions.isEmpty else { return true }
        guard try stopCompanions(state: &state, report: &report) else { return false }
        if loseCommit, let version = try LostCommit.removeNewest(table: state.table) {
            report.lostCommits += 1
            if settings.verbose { print("  deleted the table's commit \(version)") }
        }
        for action in actions {
            guard try perform(action, state: &state, report: &report) else { return false }
        }
        return true
    }
}
