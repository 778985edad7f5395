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
        /// After every this many kills, the table's newest commit file is deleted (0: never).
        var loseLastCommitEvery = 0
        var operators = OperatorSettings()
        var verbose: Bool
        /// This program, re-run as `worker`.
        var executable: String
    }

    let settings: Settings
    /// The generated rows per file, for the model of replays.
    private var events: [[DatasetSpec.Event]] = []

    init(settings: Settings) { self.settings = settings }

    var dataDirectory: String { FilePaths.join(settings.work, "data") }
    var inputDirectory: String { settings.dataset.eventsDirectory(dataDirectory) }

    /// Runs every query; true when all matched their reference.
    mutating func run() throws -> Bool {
        let started = ContinuousClock.now
        try prepareWorkDirectory()
        let data = try settings.dataset.generate(into: dataDirectory)
        events = data.events
        print(
            "dataset: \(data.files) files, \(data.rows) rows (\(data.lateRows) late, \(data.duplicates) re-sent), "
                + "\(data.bytes / 1024) KiB, seed \(settings.dataset.seed); phase delay \(settings.phaseDelayMs) ms, "
                + "timed kills within \(settings.maxKillDelayMs) ms")
        var reports: [TortureReport] = []
        for (i, q) in settings.queries.enumerated() {
            let queryStart = ContinuousClock.now
            var report = try torture(q, index: i)
            report.seconds = (ContinuousClock.now - queryStart).seconds
            report.print()
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

    /// The reference run, then rounds until enough kills (and, if required, every step) were had.
    private func torture(_ query: TortureQuery, index: Int) throws -> TortureReport {
        var report = TortureReport(query: query)
        let dir = FilePaths.join(settings.work, query.rawValue)
        let reference = try runReference(query, dir: dir, into: &report)
        let check = RoundCheck(query: query, reference: reference, events: events)

        let trace = FilePaths.join(dir, "trace")
        var environment = ProcessInfo.processInfo.environment
        environment[PhaseTrace.pathVariable] = trace
        environment[PhaseTrace.delayVariable] = String(settings.phaseDelayMs)
        let seed = settings.dataset.seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
        let ops = settings.operators
        var round = TortureRound(
            settings: settings, query: query, input: inputDirectory, environment: environment, loop: KillLoop(tracePath: trace),
            log: FilePaths.join(dir, "worker.log"),
            scheduler: KillScheduler(query: query, seed: seed, maxDelayMs: settings.maxKillDelayMs, phaseDelayMs: settings.phaseDelayMs),
            operators: OperatorSchedule(
                restoreCheckpointEvery: ops.restoreCheckpointEvery, restoreTableEvery: ops.restoreTableEvery,
                deleteTableEvery: ops.deleteTableEvery, seed: seed),
            companionRng: SplitMix64(seed: seed ^ 0x5EED_0C0D_E000))
        var roundsWithoutKills = 0
        while round.wantsKills(report) || report.rounds == 0 {
            report.rounds += 1
            var state = RoundState(dir: FilePaths.join(dir, "round-\(report.rounds)"))
            try FileSystem.createDirectory(state.dir)
            let killsBefore = report.kills
            guard try round.run(state: &state, report: &report) else { return report }
            let failures = try check.run(table: state.table, checkpoint: state.checkpoint, tally: &report.operators)
            if !failures.isEmpty {
                report.failures.append("round \(report.rounds):")
                report.failures += failures
                return report
            }
            if settings.verbose { print("  round \(report.rounds) done: \(report.kills - killsBefore) kills, table as it must be") }
            roundsWithoutKills = report.kills == killsBefore ? roundsWithoutKills + 1 : 0
            if roundsWithoutKills >= 3 {
                report.failures.append("three rounds finished before any kill: the dataset is too small for --max-kill-delay-ms")
                return report
            }
            if !settings.keep { try FileSystem.removeTree(state.dir) }
        }
        if settings.requireEveryStep && !report.missedSteps.isEmpty {
            report.failures.append("no kill landed in \(report.missedSteps.map(\.rawValue).joined(separator: ", ")) after \(report.kills) kills")
        }
        return report
    }

    /// The uninterrupted run, in this process and untraced, that every round must equal.
    private func runReference(_ query: TortureQuery, dir: String, into report: inout TortureReport) throws -> ReferenceTable {
        let started = ContinuousClock.now
        let table = FilePaths.join(dir, "reference", "table")
        let checkpoint = FilePaths.join(dir, "reference", "checkpoint")
        try query.run(input: inputDirectory, table: table, checkpoint: checkpoint)
        report.referenceSeconds = (ContinuousClock.now - started).seconds
        let contents = try TableContents(table)
        report.referenceRows = contents.rows.count
        report.referenceVersion = contents.version
        let committed = try FileSystem.list(FilePaths.join(checkpoint, "commits")).compactMap { Int64($0) }
        report.referenceBatches = (committed.max() ?? -1) + 1
        let queryId = try CheckpointInspector(checkpoint).status().queryId
        let applied = try AppliedBatches.read(table: table, queryId: queryId).get()
        return ReferenceTable(contents: contents, lastBatch: try StartExpectation.tableBatch(table: table, queryId: queryId), appliedBatches: applied)
    }
}

/// A failure of the harness itself (not of the engine).
struct TortureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
