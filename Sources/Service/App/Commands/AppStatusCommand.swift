import ArgumentParser
import Foundation
import Streaming

struct AppStatusCommand<App: StreamingApp>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "status",
            abstract: "For each query: running or not (its checkpoint's lock tells), batches, watermark, event-time lag, backlog.")
    }

    @OptionGroup var settings: ConfigOptions

    @Flag(help: "Print a JSON array instead of text.")
    var json = false

    func run() throws {
        try reportingConfigurationErrors {
            let config = try settings.load()
            let context = PipelineContext(session: StreamingSession(), configuration: config)
            let reports = App.queries.map { q in
                let checkpoint = (try? q.checkpoint(context, built: nil)) ?? FilePaths.join(config.checkpoints, q.name)
                return QueryStatusReport.read(name: q.name, checkpoint: checkpoint)
            }
            if json {
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try e.encode(reports), as: UTF8.self))
            } else {
                print(reports.map(\.text).joined(separator: "\n"))
            }
        }
    }
}
