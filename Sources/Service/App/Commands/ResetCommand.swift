import ArgumentParser
import Foundation
import Streaming

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ResetCommand<App: StreamingApp>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "reset",
            abstract: "Start a query over on a new checkpoint (the old one is kept aside), after confirmation.",
            discussion: """
                The old checkpoint is renamed to <checkpoint>.reset-<time>, not deleted. The next run gets a new query id \
                and reads its input from the start, so a Delta table it writes receives those rows again: clear or \
                replace the table too when that is not wanted. Refused while the query runs.
                """)
    }

    @Argument(help: "The query's name.")
    var name: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var settings: ConfigOptions

    func run() throws {
        try reportingConfigurationErrors {
            let config = try settings.load()
            let q = try declaredQuery(name, of: App.self)
            let context = PipelineContext(session: StreamingSession(), configuration: config)
            let checkpoint = FileSystem.absolute((try? q.checkpoint(context, built: nil)) ?? FilePaths.join(config.checkpoints, q.name))
            guard FileSystem.exists(checkpoint) else {
                print("\(name) has no checkpoint at \(checkpoint): nothing to reset")
                return
            }
            if let holder = LockProbe.holder(of: checkpoint) {
                throw ResetError("\(name) is running (\(holder)); stop it first, then reset")
            }
            if !yes {
                print("This starts \(name) over: its checkpoint \(checkpoint) is moved aside and the next run reads all input again.")
                print("Type the query's name to confirm: ", terminator: "")
                fflush(nil)
                guard readLine()?.trimmingCharacters(in: .whitespaces) == name else {
                    throw ResetError("not confirmed; nothing changed")
                }
            }
            let stamp = Timestamps.format(Int64(Date().timeIntervalSince1970) * 1_000_000)
                .replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
            let aside = checkpoint + ".reset-" + stamp
            // Hold the query's lock while moving, so a start at this moment waits for nothing half done.
            let fd = open(CheckpointLayout(root: checkpoint).lock, O_RDWR)
            if fd >= 0 {
                defer { close(fd) }
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw ResetError("\(name) has just started; stop it first, then reset") }
            }
            try FileSystem.rename(checkpoint, aside)
            print("reset \(name): the old checkpoint is now \(aside); the next run starts on a new one")
        }
    }
}

struct ResetError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
