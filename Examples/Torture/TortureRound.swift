import Streaming

/// One round: workers on a fresh table and checkpoint, each killed as the scheduler plans and
/// restarted, until one runs to the end of the backlog.
struct TortureRound {
    let settings: TortureDriver.Settings
    let query: TortureQuery
    let input: String
    let environment: [String: String]
    let loop: KillLoop
    /// Output of the current worker (kept for the report when one fails).
    let log: String
    var scheduler: KillScheduler

    /// More kills are due: `--kills` not reached, or (with `--require-every-step`) a step not yet
    /// hit and fewer than three times `--kills` done.
    func wantsKills(_ report: TortureReport) -> Bool {
        report.kills < settings.kills
            || (settings.requireEveryStep && !report.missedSteps.isEmpty && report.kills < settings.kills * 3)
    }

    /// Runs workers until one exits 0 (true) or one fails on its own (false, recorded in `report`).
    mutating func run(table: String, checkpoint: String, report: inout TortureReport) throws -> Bool {
        while true {
            try loop.resetTrace()
            let worker = try WorkerProcess(
                executable: settings.executable,
                arguments: ["worker", "--query", query.rawValue, "--input", input, "--table", table, "--checkpoint", checkpoint],
                environment: environment, log: log)
            report.workerStarts += 1
            let exit: WorkerProcess.Exit
            if wantsKills(report) {
                let plan = scheduler.next()
                switch loop.run(worker, plan: plan) {
                case .killed(let record):
                    report.countKill(plan, landedIn: record)
                    if case .inPhase(let target, _, _) = plan, record?.phase != target { scheduler.missed(target) }
                    if settings.loseLastCommitEvery > 0, report.kills % settings.loseLastCommitEvery == 0,
                        let version = try LostCommit.removeNewest(table: table)
                    {
                        report.lostCommits += 1
                        if settings.verbose { print("  deleted the table's commit \(version)") }
                    }
                    if settings.verbose {
                        let landed = record.map { "\($0.phase.rawValue)\($0.batch.map { " \($0)" } ?? "")" } ?? TortureReport.beforeQuery
                        print("  kill \(report.kills): \(plan) -> \(landed)")
                    }
                    continue
                case .exited(let e):
                    scheduler.unused(plan)
                    exit = e
                }
            } else {
                exit = worker.wait()
            }
            if exit == .exited(0) { return true }
            report.failures.append("round \(report.rounds): worker ended with \(exit) (not killed by the harness):")
            report.failures += Self.tail(log)
            return false
        }
    }

    private static func tail(_ path: String, lines: Int = 20) -> [String] {
        guard let text = try? FileSystem.readString(path) else { return ["(no worker log)"] }
        return text.split(separator: "\n").suffix(lines).map { "  | " + $0 }
    }
}
