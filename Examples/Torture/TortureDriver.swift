import Foundation
import Streaming

/// What `sluice-torture run` does for each query: an uninterrupted reference run, then rounds of
/// worker processes killed with SIGKILL at seeded random moments and restarted on the same
/// checkpoint until one finishes, each round's table compared with the reference.
struct TortureDriver {
    struct Settings: Sendable {
        var queries: [TortureQuery]
        /// Kills per query (at least); the worker after the last kill runs to the end.
        var kills: Int
        var dataset: DatasetSpec
        var work: String
        var phaseDelayMs: Int
        var maxKillDelayMs: Int
        /// Fail unless a kill landed in every step of the batch protocol.
        var requireEveryStep: Bool
        var keep: Bool
        var verbose: Bool
        /// This program, re-run as `worker`.
        var executable: String
    }

    /// What one query's torture found.
    struct Report {
        let query: TortureQuery
        var kills = 0
        var timedKills = 0
        var aimedKills = 0
        var killsByPhase: [String: Int] = [:]
        var workerStarts = 0
        var rounds = 0
        var referenceBatches: Int64 = 0
        var referenceRows = 0
        var referenceVersion: Int64 = 0
        var referenceSeconds = 0.0
        var seconds = 0.0
        var failures: [String] = []
        var ok: Bool { failures.isEmpty }
        /// Steps of the batch protocol no kill has landed in yet.
        var missedSteps: [PhaseTrace.Phase] { TortureDriver.batchSteps.filter { (killsByPhase[$0.rawValue] ?? 0) == 0 } }
    }

    /// Label of a kill before the worker's query started (process exec, argument parsing).
    static let beforeQuery = "process-start"
    static let phaseLabels = [beforeQuery] + PhaseTrace.Phase.allCases.map(\.rawValue)
    /// The steps of batch N (not startup or idle), each of which the long run must hit.
    static let batchSteps: [PhaseTrace.Phase] = [
        .latestOffset, .offsetsWrite, .dataRead, .stateDelta, .stateSnapshot, .sinkWrite, .sinkDataFiles, .sinkLogCommit, .commitsWrite,
    ]

    let settings: Settings

    var dataDirectory: String { FilePaths.join(settings.work, "data") }
    var inputDirectory: String { settings.dataset.eventsDirectory(dataDirectory) }

    /// Runs every query; true when all matched their reference.
    func run() throws -> Bool {
        let started = ContinuousClock.now
        try prepareWorkDirectory()
        let data = try settings.dataset.generate(into: dataDirectory)
        print(
            "dataset: \(data.files) files, \(data.rows) rows (\(data.lateRows) late, \(data.duplicates) re-sent), "
                + "\(data.bytes / 1024) KiB, seed \(settings.dataset.seed); phase delay \(settings.phaseDelayMs) ms, "
                + "timed kills within \(settings.maxKillDelayMs) ms")
        var reports: [Report] = []
        for (i, q) in settings.queries.enumerated() {
            let report = try torture(q, index: i)
            Self.printReport(report)
            reports.append(report)
        }
        let ok = reports.allSatisfy(\.ok)
        let total = reports.reduce(0) { $0 + $1.kills }
        print(String(format: "torture %@: %d kills in %.1f s", ok ? "OK" : "FAILED", total, (ContinuousClock.now - started).seconds))
        if ok && !settings.keep { try FileSystem.removeTree(settings.work) }
        if !ok { print("work directory kept for inspection: \(settings.work)") }
        return ok
    }

    /// The work directory is deleted and recreated; refuse to delete one this program did not make.
    private func prepareWorkDirectory() throws {
        let marker = FilePaths.join(settings.work, ".sluice-torture")
        if FileSystem.exists(settings.work) {
            guard FileSystem.exists(marker) else {
                throw TortureError("\(settings.work) exists and was not made by sluice-torture; give another --work directory")
            }
            try FileSystem.removeTree(settings.work)
        }
        try FileSystem.createDirectory(settings.work)
        try DurableFile.writeAtomically(marker, Array("sluice-torture work directory\n".utf8))
    }

    private func torture(_ query: TortureQuery, index: Int) throws -> Report {
        let started = ContinuousClock.now
        var report = try rounds(query, index: index)
        report.seconds = (ContinuousClock.now - started).seconds
        return report
    }

    private func rounds(_ query: TortureQuery, index: Int) throws -> Report {
        var report = Report(query: query)
        let started = ContinuousClock.now
        let dir = FilePaths.join(settings.work, query.rawValue)
        try FileSystem.createDirectory(dir)

        let referenceTable = FilePaths.join(dir, "reference", "table")
        let referenceCheckpoint = FilePaths.join(dir, "reference", "checkpoint")
        try query.run(input: inputDirectory, table: referenceTable, checkpoint: referenceCheckpoint)
        report.referenceSeconds = (ContinuousClock.now - started).seconds
        let reference = try TableComparison.rows(referenceTable)
        report.referenceRows = reference.rows.count
        report.referenceVersion = reference.version
        report.referenceBatches = (try FileSystem.list(FilePaths.join(referenceCheckpoint, "commits")).compactMap { Int64($0) }.max() ?? -1) + 1

        var scheduler = KillScheduler(
            seed: settings.dataset.seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)), maxDelayMs: settings.maxKillDelayMs,
            phaseDelayMs: settings.phaseDelayMs)
        let trace = FilePaths.join(dir, "trace")
        let log = FilePaths.join(dir, "worker.log")
        let loop = KillLoop(tracePath: trace)
        var environment = ProcessInfo.processInfo.environment
        environment[PhaseTrace.pathVariable] = trace
        environment[PhaseTrace.delayVariable] = String(settings.phaseDelayMs)
        var roundsWithoutKills = 0

        // With --require-every-step, kill on past --kills (up to three times as many) until every step was hit.
        func wantsKills() -> Bool {
            report.kills < settings.kills || (settings.requireEveryStep && !report.missedSteps.isEmpty && report.kills < settings.kills * 3)
        }
        while wantsKills() || report.rounds == 0 {
            report.rounds += 1
            let roundDir = FilePaths.join(dir, "round-\(report.rounds)")
            let table = FilePaths.join(roundDir, "table")
            let killsBefore = report.kills
            round: while true {
                try loop.resetTrace()
                let worker = try WorkerProcess(
                    executable: settings.executable,
                    arguments: [
                        "worker", "--query", query.rawValue, "--input", inputDirectory, "--table", table,
                        "--checkpoint", FilePaths.join(roundDir, "checkpoint"),
                    ],
                    environment: environment, log: log)
                report.workerStarts += 1
                let outcome: KillLoop.Outcome
                if wantsKills() {
                    let plan = scheduler.next()
                    outcome = loop.run(worker, plan: plan)
                    switch outcome {
                    case .killed(let record):
                        report.kills += 1
                        let label = record?.phase.rawValue ?? Self.beforeQuery
                        report.killsByPhase[label, default: 0] += 1
                        if case .inPhase(let target, _, _) = plan {
                            report.aimedKills += 1
                            if record?.phase != target { scheduler.missed(target) }
                        } else {
                            report.timedKills += 1
                        }
                        if settings.verbose {
                            print("  kill \(report.kills): \(plan) -> \(label)\(record?.batch.map { " \($0)" } ?? "")")
                        }
                    case .exited:
                        scheduler.unused(plan)
                    }
                } else {
                    outcome = .exited(worker.wait())
                }
                switch outcome {
                case .killed:
                    continue
                case .exited(.exited(0)):
                    break round
                case .exited(let exit):
                    report.failures.append("round \(report.rounds): worker ended with \(exit) (not killed by the harness):")
                    report.failures += Self.tail(log)
                    return report
                }
            }
            let comparison = try TableComparison(expected: referenceTable, actual: table)
            if !comparison.ok {
                report.failures.append("round \(report.rounds): the table differs from the reference (\(comparison.actualRows) rows, expected \(comparison.expectedRows)):")
                report.failures += comparison.report()
                return report
            }
            if settings.verbose {
                print("  round \(report.rounds) done: \(report.kills - killsBefore) kills, table equals the reference")
            }
            roundsWithoutKills = report.kills == killsBefore ? roundsWithoutKills + 1 : 0
            if roundsWithoutKills >= 3 {
                report.failures.append("three rounds finished before any kill: the dataset is too small for --max-kill-delay-ms")
                return report
            }
            if !settings.keep { try FileSystem.removeTree(roundDir) }
        }
        if settings.requireEveryStep && !report.missedSteps.isEmpty {
            report.failures.append("no kill landed in \(report.missedSteps.map(\.rawValue).joined(separator: ", ")) after \(report.kills) kills")
        }
        return report
    }

    static func printReport(_ r: Report) {
        print("")
        print("== \(r.query.rawValue): \(r.ok ? "OK" : "FAILED") ==")
        print(
            String(
                format: "reference: %lld batches, %d rows, table version %lld, %.1f s", r.referenceBatches, r.referenceRows,
                r.referenceVersion, r.referenceSeconds))
        print(
            String(
                format: "kills: %d (%d at random times, %d aimed at a phase), %d worker starts, %d rounds, %.1f s", r.kills,
                r.timedKills, r.aimedKills, r.workerStarts, r.rounds, r.seconds))
        print("kills by phase at the moment of SIGKILL:")
        for label in phaseLabels {
            print("  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + String(r.killsByPhase[label] ?? 0))
        }
        if !r.missedSteps.isEmpty { print("  (no kill landed in: \(r.missedSteps.map(\.rawValue).joined(separator: ", ")))") }
        if r.ok {
            print("result: OK, every round's table equals the reference (\(r.referenceRows) rows): none missing, none twice")
        } else {
            print("result: FAILED")
            for line in r.failures { print("  " + line) }
        }
    }

    private static func tail(_ path: String, lines: Int = 20) -> [String] {
        guard let text = try? FileSystem.readString(path) else { return ["(no worker log)"] }
        return text.split(separator: "\n").suffix(lines).map { "  | " + $0 }
    }
}

/// A failure of the harness itself (not of the engine).
struct TortureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
