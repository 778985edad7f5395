import ArgumentParser
import Streaming

extension Torture {
    /// A backfill of one day, run as its own process beside the stream's workers (README
    /// "Backfill"): the driver reads what it did from the table's log, so it may be killed too.
    struct ReplayDay: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Replay one UTC day of a query's table with the stream's checkpoint (only read); exit 3 if refused, 4 on conflicts.")
        @OptionGroup var options: QueryOptions
        @Option(help: "The day to replace, YYYY-MM-DD (UTC).") var day: String

        func validate() throws {
            guard Dates.parse(day) != nil else { throw ValidationError("--day must be YYYY-MM-DD") }
        }

        func run() throws {
            let from = Int64(Dates.parse(day)!) * Timestamps.microsPerDay
            do {
                let r = try options.query.replay(
                    input: options.input, table: options.table, checkpoint: options.checkpoint, from: from, to: from + Timestamps.microsPerDay)
                print(
                    "replayed \(day) through stream batch \(r.streamBatchId.map(String.init) ?? "-") in version "
                        + "\(r.version.map(String.init) ?? "-") (attempt \(r.attempts)): \(r.outputRows) rows, "
                        + "\(r.filesRemoved) files removed, \(r.filesAdded) added")
            } catch let e as QueryError {
                print("refused: \(e)")
                throw ExitCode(TortureExitCode.refused)
            } catch let e as DeltaError {
                guard case .concurrentModification = e else { throw e }
                print("conflict: \(e)")
                throw ExitCode(TortureExitCode.conflict)
            }
        }
    }
}
