// Crash torture: stateful queries from files into Delta tables, killed with SIGKILL at seeded
// random moments (inside every step of the batch protocol), restarted, and compared row for row
// with an uninterrupted run. See docs/RELIABILITY.md.
//
//   swift run -c release sluice-torture run --kills 25 --seed 1
//   scripts/torture.sh --kills 25          # what CI runs
import ArgumentParser
import Foundation
import Streaming

@main
struct Torture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-torture",
        abstract: "Kill stateful streaming queries at random moments and check that the result is still exact.",
        subcommands: [Run.self, Generate.self, Worker.self, Reference.self, Compare.self, ReplayDay.self, Maintain.self],
        defaultSubcommand: Run.self)
}

/// Options naming the generated dataset.
struct DatasetOptions: ParsableArguments {
    @Option(help: "Number of event files (one per batch).") var files = 60
    @Option(name: .customLong("rows-per-file"), help: "Events per file.") var rowsPerFile = 100
    @Option(help: "Seed of the dataset and of the kill schedule.") var seed: UInt64 = 1

    var spec: DatasetSpec { DatasetSpec(files: files, rowsPerFile: rowsPerFile, seed: seed) }
}

extension Torture {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate, run the reference, then kill and restart workers until done; compare. Exits 1 on any mismatch.")

        @OptionGroup var dataset: DatasetOptions
        @Option(help: "all, or a comma-separated list of windowed, dedup, stateless.") var query = "all"
        @Option(help: "SIGKILLs per query (at least; rounds start over until reached).") var kills = 25
        @Option(help: "Work directory (deleted first; kept on failure or with --keep).") var work = "/tmp/sluice-torture"
        @Option(name: .customLong("phase-delay-ms"), help: "Workers sleep this long entering each phase (SLUICE_PHASE_DELAY_MS).")
        var phaseDelayMs = 10
        @Option(name: .customLong("max-kill-delay-ms"), help: "Timed kills land uniformly within this many ms of a worker's start.")
        var maxKillDelayMs = 1500
        @Flag(
            name: .customLong("require-every-step"),
            help: "Fail unless a kill landed in every step of the batch protocol (killing past --kills, up to 3x, until one has).")
        var requireEveryStep = false
        @Option(
            name: .customLong("lose-last-commit-every"),
            help: "After every N kills, delete the table's newest commit file before the restart (0: never).")
        var loseLastCommitEvery = 0
        @Option(
            name: .customLong("restore-checkpoint-every"),
            help: "Every N kills, put back a copy of the checkpoint taken 1 to N-1 kills before; expect the refusal, recover, go on (0: never).")
        var restoreCheckpointEvery = 0
        @Option(
            name: .customLong("restore-table-every"),
            help: "Every N kills, put back a copy of the table taken 1 to N-1 kills before; the restart re-applies (0: never).")
        var restoreTableEvery = 0
        @Option(
            name: .customLong("delete-table-every"),
            help: "Every N kills, delete the table (keeping the checkpoint): rebuilt, or refused and started over (0: never).")
        var deleteTableEvery = 0
        @Option(
            name: .customLong("maintain-every"),
            help: "Every N worker starts, run optimize and vacuum (default and forced retention) in a loop beside the worker (0: never).")
        var maintainEvery = 0
        @Option(
            name: .customLong("replay-every"),
            help: "Every N worker starts, replay a day of the table beside the stream, with its checkpoint (0: never).")
        var replayEvery = 0
        @Flag(help: "Keep the work directory after a successful run.") var keep = false
        @Flag(help: "Print every kill and round.") var verbose = false

        var queries: [TortureQuery]? {
            if query == "all" { return TortureQuery.allCases }
            let named = query.split(separator: ",").map { TortureQuery(rawValue: String($0)) }
            return named.contains(nil) || named.isEmpty ? nil : named.map { $0! }
        }

        func validate() throws {
            guard queries != nil else { throw ValidationError("--query must be all, or a comma-separated list of windowed, dedup, stateless") }
            guard kills >= 0, loseLastCommitEvery >= 0, dataset.files > 0, dataset.rowsPerFile > 0, phaseDelayMs >= 0, maxKillDelayMs >= 0,
                deleteTableEvery >= 0, maintainEvery >= 0, replayEvery >= 0
            else {
                throw ValidationError("counts and delays must not be negative; files and rows must be positive")
            }
            guard restoreCheckpointEvery == 0 || restoreCheckpointEvery >= 2, restoreTableEvery == 0 || restoreTableEvery >= 2 else {
                throw ValidationError("restores need at least 2 kills between them (the backup is taken in between), or 0")
            }
        }

        func run() throws {
            // The in-process reference run must not be traced or slowed by variables meant for workers.
            unsetenv(PhaseTrace.pathVariable)
            unsetenv(PhaseTrace.delayVariable)
            let operators = OperatorSettings(
                restoreCheckpointEvery: restoreCheckpointEvery, restoreTableEvery: restoreTableEvery, deleteTableEvery: deleteTableEvery,
                maintainEvery: maintainEvery, replayEvery: replayEvery)
            let settings = TortureDriver.Settings(
                queries: queries!, kills: kills, dataset: dataset.spec, work: FileSystem.absolute(work), phaseDelayMs: phaseDelayMs,
                maxKillDelayMs: maxKillDelayMs, requireEveryStep: requireEveryStep, keep: keep,
                loseLastCommitEvery: loseLastCommitEvery, operators: operators, verbose: verbose,
                executable: Bundle.main.executablePath ?? CommandLine.arguments[0])
            var driver = TortureDriver(settings: settings)
            guard try driver.run() else { throw ExitCode.failure }
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the dataset's event files under <out>/events.")
        @OptionGroup var dataset: DatasetOptions
        @Option(help: "Output directory.") var out: String

        func run() throws {
            let s = try dataset.spec.generate(into: out)
            print("\(s.files) files, \(s.rows) rows (\(s.lateRows) late, \(s.duplicates) re-sent), \(s.bytes) bytes in \(dataset.spec.eventsDirectory(out))")
        }
    }

    /// Options of a query run.
    struct QueryOptions: ParsableArguments {
        @Option(help: "windowed, dedup or stateless.") var query: TortureQuery
        @Option(help: "Directory of event files.") var input: String
        @Option(help: "The Delta table to write.") var table: String
        @Option(help: "The query's checkpoint directory.") var checkpoint: String
    }

    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a query until its backlog is done (exit 0); the driver kills and restarts it.")
        @OptionGroup var options: QueryOptions

        func run() throws {
            do {
                try options.query.run(input: options.input, table: options.table, checkpoint: options.checkpoint)
            } catch let e as SinkCheckError {
                // The refusal the driver expects after some operator actions: it checks the message.
                print("refused: \(e)")
                throw ExitCode(TortureExitCode.refused)
            }
        }
    }

    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a query once, uninterrupted and untraced.")
        @OptionGroup var options: QueryOptions

        func run() throws {
            // The reference must not be slowed or traced by variables meant for workers.
            unsetenv(PhaseTrace.pathVariable)
            unsetenv(PhaseTrace.delayVariable)
            try options.query.run(input: options.input, table: options.table, checkpoint: options.checkpoint)
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compare two Delta tables as multisets of rows; exit 1 if they differ.")
        @Option(help: "The reference table.") var expected: String
        @Option(help: "The table to check.") var actual: String

        func run() throws {
            let c = try TableComparison(expected: expected, actual: actual)
            print("expected \(c.expectedRows) rows (version \(c.expectedVersion ?? -1)), got \(c.actualRows) rows (version \(c.actualVersion))")
            for line in c.report() { print(line) }
            print(c.ok ? "OK" : "DIFFERENT")
            if !c.ok { throw ExitCode.failure }
        }
    }
}
