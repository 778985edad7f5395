#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Streaming

extension Torture {
    /// What an operator's maintenance job does to a table a query writes: compaction and vacuum,
    /// in a loop, until the driver kills it. One line per finished operation, its first word the
    /// kind (flushed, so a kill loses at most the one under way); the driver counts them and fails
    /// on an `error:` line.
    struct Maintain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Optimize and vacuum a Delta table in a seeded loop until killed; exit 1 on an unexpected error.")
        @Option(help: "The Delta table.") var table: String
        @Option(help: "Seed of the sequence of operations.") var seed: UInt64 = 1
        @Option(name: .customLong("forced-retention-ms"), help: "Retention of the forced vacuums (below the table's minimum).")
        var forcedRetentionMs: Int64 = 0
        @Flag(
            name: .customLong("no-forced-vacuum"),
            help: "Only vacuum with the table's retention (a replay is reading an older snapshot, whose files a forced vacuum may delete).")
        var noForcedVacuum = false
        @Option(name: .customLong("max-pause-ms"), help: "Pause between operations, uniformly up to this.") var maxPauseMs = 40

        func run() throws {
            var rng = SplitMix64(seed: seed)
            while true {
                if DeltaTable.exists(at: table) {
                    let operation = MaintenanceOperation.allCases[rng.next(upTo: noForcedVacuum ? 2 : 3)]
                    do {
                        report(try operation.run(on: table, minFiles: 2 + rng.next(upTo: 3), forcedRetentionMs: forcedRetentionMs))
                    } catch let e as DeltaError {
                        // A commit that removed files being compacted wins; the compaction gives up (documented).
                        guard operation == .optimize, case .concurrentModification = e else { throw fail(operation, e) }
                        report("optimize-conflict \(e)")
                    } catch {
                        throw fail(operation, error)
                    }
                }
                usleep(UInt32(rng.next(upTo: maxPauseMs + 1) * 1000))
            }
        }

        private func report(_ line: String) {
            print(line)
            fflush(nil)
        }

        private func fail(_ operation: MaintenanceOperation, _ error: any Error) -> ExitCode {
            report("error: \(operation.rawValue): \(error)")
            return ExitCode.failure
        }
    }
}

/// One maintenance operation and the line it reports.
enum MaintenanceOperation: String, CaseIterable {
    case optimize
    case vacuum = "vacuum-default"
    case forcedVacuum = "vacuum-forced"

    func run(on table: String, minFiles: Int, forcedRetentionMs: Int64) throws -> String {
        // A new object each time: no snapshot is carried over from before another process's commits.
        let delta = DeltaTable(path: table)
        switch self {
        case .optimize:
            let r = try delta.optimize(minFiles: minFiles)
            guard let v = r.version else { return "optimize-nothing (no partition with enough small files)" }
            return "optimize-committed version \(v): \(r.filesRemoved) files into \(r.filesAdded)"
        case .vacuum:
            return "vacuum-default deleted \(try delta.vacuum().deletedFiles.count)"
        case .forcedVacuum:
            return "vacuum-forced deleted \(try delta.vacuum(retentionMillis: forcedRetentionMs, force: true).deletedFiles.count)"
        }
    }
}
