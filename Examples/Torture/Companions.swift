#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Streaming

/// The processes a round runs beside its workers: a maintenance loop (`maintain`: optimize and
/// vacuum, for the life of one worker) and a replay of one day (`replay`, until it ends, across
/// worker restarts). Both are stopped before any operator action on the table or checkpoint,
/// since a restore under a running writer is not something an operator can do safely.
struct Companions {
    struct Maintainer {
        var process: WorkerProcess
        var log: String
    }

    struct Replay {
        var process: WorkerProcess
        var log: String
        var day: String
        /// Killed when the worker it started beside is killed (seeded), instead of left to finish.
        var killWithWorker: Bool
        /// A maintenance loop ran during the replay: an `optimize` may have won its commits.
        var besideMaintenance: Bool
    }

    var maintainer: Maintainer?
    var replay: Replay?
}

extension TortureRound {
    /// Starts the companions due with worker number `start` (counted over the run); false on a failure.
    mutating func startCompanions(workerStart start: Int, state: inout RoundState, report: inout TortureReport) throws -> Bool {
        guard try reapReplay(state: &state, report: &report) else { return false }
        let replayEvery = settings.operators.replayEvery
        if replayEvery > 0 && start % replayEvery == 0 && state.companions.replay == nil {
            try startReplay(state: &state, report: &report)
            if settings.verbose { print("  replay of \(state.companions.replay!.day) started beside worker \(start)") }
        }
        var env = environment
        env[PhaseTrace.pathVariable] = nil
        env[PhaseTrace.delayVariable] = nil
        if settings.operators.maintainEvery > 0 && start % settings.operators.maintainEvery == 0 {
            // A forced vacuum deletes files an older snapshot still uses: not while a replay reads one.
            let replaying = state.companions.replay != nil
            let log = state.path("maintain.log")
            let process = try WorkerProcess(
                executable: settings.executable,
                arguments: ["maintain", "--table", state.table, "--seed", String(companionRng.next())] + (replaying ? ["--no-forced-vacuum"] : []),
                environment: env, log: log)
            state.companions.maintainer = Companions.Maintainer(process: process, log: log)
            state.companions.replay?.besideMaintenance = true
            report.operators.count(Self.maintenanceAction)
        }
        return true
    }

    /// Waits for the last worker of a round, which runs to the end. With replays on, it gets one
    /// once the stream has put half the backlog in the table, so that the table compared at the
    /// end holds a replay of a day the stream wrote much of.
    mutating func awaitLastWorker(_ worker: WorkerProcess, state: inout RoundState, report: inout TortureReport) throws -> WorkerProcess.Exit {
        var replayed = settings.operators.replayEvery == 0
        while true {
            if let exit = worker.poll() { return exit }
            // One started beside this worker by the schedule may have ended (refused before the stream's first batch, say).
            guard try reapReplay(state: &state, report: &report) else {
                worker.sigkill()
                return worker.wait()
            }
            if !replayed, state.companions.replay == nil, FileSystem.exists(CheckpointLayout(root: state.checkpoint).metadata) {
                let queryId = try CheckpointInspector(state.checkpoint).status().queryId
                if try StartExpectation.tableBatch(table: state.table, queryId: queryId) >= Int64(settings.dataset.files / 2) {
                    // Its forced vacuums could delete files the replay's snapshot still uses.
                    if let m = state.companions.maintainer {
                        state.companions.maintainer = nil
                        guard try stopMaintainer(m, report: &report) else {
                            worker.sigkill()
                            return worker.wait()
                        }
                    }
                    try startReplay(state: &state, report: &report)
                    if settings.verbose { print("  replay of \(state.companions.replay!.day) started beside the last worker") }
                    replayed = true
                }
            }
            usleep(50_000)
        }
    }

    private mutating func startReplay(state: inout RoundState, report: inout TortureReport) throws {
        var env = environment
        env[PhaseTrace.pathVariable] = nil
        env[PhaseTrace.delayVariable] = nil
        // The replay's scratch files stay inside the round directory even when it is killed.
        env["TMPDIR"] = state.path("tmp")
        try FileSystem.createDirectory(state.path("tmp"))
        let day = try replayDay(checkpoint: state.checkpoint)
        let log = state.path("replay.log")
        let process = try WorkerProcess(
            executable: settings.executable,
            arguments: ["replay", "--query", query.rawValue, "--input", input, "--table", state.table, "--checkpoint", state.checkpoint, "--day", day],
            environment: env, log: log)
        state.companions.replay = Companions.Replay(
            process: process, log: log, day: day, killWithWorker: companionRng.next(upTo: 4) == 0, besideMaintenance: false)
        report.operators.count(Self.replayAction)
    }

    /// The worker is dead: its maintenance loop goes, and the replay too if it was to die with it.
    func companionsAfterWorker(state: inout RoundState, report: inout TortureReport) throws -> Bool {
        if let m = state.companions.maintainer {
            state.companions.maintainer = nil
            guard try stopMaintainer(m, report: &report) else { return false }
        }
        guard let r = state.companions.replay else { return true }
        // Polling reaps the process: the exit it returns is the only one there will be.
        if let exit = r.process.poll() { return try recordReplay(r, exit: exit, state: &state, report: &report) }
        if r.killWithWorker {
            r.process.sigkill()
            let exit = r.process.wait()
            guard exit == .signaled(SIGKILL) else { return try recordReplay(r, exit: exit, state: &state, report: &report) }
            state.companions.replay = nil
            report.operators.outcome(Self.replayAction, ["killed with the worker (its commit, if made, is in the log)"])
        }
        return true
    }

    /// Stops everything beside the workers: before operator actions and at the end of a round.
    func stopCompanions(state: inout RoundState, report: inout TortureReport) throws -> Bool {
        if let m = state.companions.maintainer {
            state.companions.maintainer = nil
            guard try stopMaintainer(m, report: &report) else { return false }
        }
        return try reapReplay(state: &state, report: &report, wait: true)
    }

    private func stopMaintainer(_ m: Companions.Maintainer, report: inout TortureReport) throws -> Bool {
        m.process.sigkill()
        let exit = m.process.wait()
        let text = (try? FileSystem.readString(m.log)) ?? ""
        // Only whole lines: the kill may have cut the last one.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if !text.hasSuffix("\n") && !lines.isEmpty { lines.removeLast() }
        for line in lines {
            if line.hasPrefix("error:") {
                report.failures.append("the maintenance loop failed: \(line)")
                return false
            }
            report.operators.maintenance[String(line.prefix { $0 != " " }), default: 0] += 1
            if line.hasPrefix("vacuum"), let n = line.split(separator: " ").last.flatMap({ Int($0) }) { report.operators.filesVacuumed += n }
        }
        guard exit == .signaled(SIGKILL) else {
            report.failures.append("the maintenance loop ended on its own with \(exit):")
            report.failures += Self.tail(m.log)
            return false
        }
        return true
    }

    /// Records the replay's outcome if it has ended (or, with `wait`, once it ends); false on a failure.
    private func reapReplay(state: inout RoundState, report: inout TortureReport, wait: Bool = false) throws -> Bool {
        guard let r = state.companions.replay, let exit = wait ? r.process.wait() : r.process.poll() else { return true }
        return try recordReplay(r, exit: exit, state: &state, report: &report)
    }

    private func recordReplay(_ r: Companions.Replay, exit: WorkerProcess.Exit, state: inout RoundState, report: inout TortureReport) throws -> Bool {
        state.companions.replay = nil
        let text = (try? FileSystem.readString(r.log)) ?? ""
        if settings.verbose { print("  replay: " + text.split(separator: "\n").joined(separator: " | ")) }
        switch exit {
        case .exited(0):
            report.operators.outcome(Self.replayAction, ["committed"])
        case .exited(TortureExitCode.refused):
            // What README "Backfill" says is refused, and why.
            let documented: [(String, String)] = [
                ("dropDuplicatesWithinWatermark", "refused: dropDuplicatesWithinWatermark cannot be replayed exactly"),
                ("has no batch of the stream", "refused: the table holds no batch of the stream yet"),
                ("has no metadata file", "refused: the stream has not created its checkpoint yet"),
                ("is gone (a checkpoint keeps its last 100 batches)", "refused: offsets of the stream's batch purged"),
            ]
            // The dedup query is refused for its operator, before the stream is looked at; the others never are.
            guard let reason = documented.first(where: { text.contains($0.0) }), (query == .dedup) == (reason.0 == documented[0].0) else {
                report.failures.append("the replay of \(r.day) was refused for a reason README \"Backfill\" does not give for this query:")
                report.failures += Self.tail(r.log)
                return false
            }
            report.operators.outcome(Self.replayAction, [reason.1])
        case .exited(TortureExitCode.conflict) where r.besideMaintenance:
            report.operators.outcome(Self.replayAction, ["lost every attempt to optimize's commits (concurrentModification), nothing committed"])
        default:
            report.failures.append("the replay of \(r.day) ended with \(exit):")
            report.failures += Self.tail(r.log)
            return false
        }
        return true
    }

    /// A day the stream has reached: that of a file among those it has committed (or the first).
    private mutating func replayDay(checkpoint: String) throws -> String {
        let committed = FileSystem.exists(CheckpointLayout(root: checkpoint).metadata)
            ? (try CheckpointInspector(checkpoint).status().lastCommittedBatch ?? 0) : 0
        let file = Int64(companionRng.next(upTo: Int(min(committed, Int64(settings.dataset.files - 1))) + 1))
        let start = DatasetSpec.start + file * settings.dataset.fileSpanMinutes * 60_000_000
        return Dates.format(Int32(start / Timestamps.microsPerDay))
    }

    static let replayAction = "replay a day beside the stream"
    static let maintenanceAction = "optimize and vacuum beside a worker"

    static func tail(_ path: String, lines: Int = 20) -> [String] {
        guard let text = try? FileSystem.readString(path) else { return ["(no log)"] }
        return text.split(separator: "\n").suffix(lines).map { "  | " + $0 }
    }
}
