import ArgumentParser
import Foundation
import Streaming

struct AppProgressCommand<App: StreamingApp>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "progress", abstract: "Print a query's latest progress records (JSON); --follow prints new ones as batches complete.")
    }

    @Argument(help: "The query's name.")
    var name: String

    @Flag(help: "Keep printing each new record until interrupted.")
    var follow = false

    @Option(help: "How many of the latest records to print first.")
    var last = 1

    @Option(help: "With --follow: seconds between looks at the checkpoint.")
    var interval = 1.0

    @OptionGroup var settings: ConfigOptions

    func run() throws {
        try reportingConfigurationErrors {
            let config = try settings.load()
            let q = try declaredQuery(name, of: App.self)
            let context = PipelineContext(session: StreamingSession(), configuration: config)
            let checkpoint = (try? q.checkpoint(context, built: nil)) ?? FilePaths.join(config.checkpoints, q.name)
            let inspector = CheckpointInspector(checkpoint)
            guard follow else {
                print(try inspector.progressReport(last: last))
                return
            }
            var printed: Int64 = -1
            var announcedWait = false
            while true {
                // The checkpoint may not exist yet when following a query about to start.
                let records = (try? inspector.progress()) ?? []
                let fresh = printed < 0 ? Array(records.suffix(max(last, 0))) : records.filter { $0.batchId > printed }
                for p in fresh { print(p.json) }
                if let newest = records.last?.batchId { printed = max(printed, newest) }
                if records.isEmpty && !announcedWait {
                    FileHandle.standardError.write(Data("waiting for the first batch of \(name) in \(checkpoint)…\n".utf8))
                    announcedWait = true
                }
                fflush(nil)
                Thread.sleep(forTimeInterval: max(interval, 0.05))
            }
        }
    }
}
