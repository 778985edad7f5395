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
            guard follow else {
                print(try CheckpointInspector(checkpoint).progressReport(last: last))
                return
            }
            followProgress(checkpoint: checkpoint, last: last, interval: interval)
        }
    }
}
