import ArgumentParser
import Streaming

struct RunCommand<App: StreamingApp>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "run",
            abstract: "Start the queries and keep running; SIGTERM or SIGINT commits the batch in progress and exits 0.",
            discussion: "Exit codes: 0 stopped by a signal or every query ended, 1 a query failed or could not start, 78 bad configuration.")
    }

    @OptionGroup var settings: ConfigOptions

    @Option(name: .customLong("query"), help: "Run only this query (repeatable; default: all).")
    var only: [String] = []

    func run() throws {
        var code = ServiceExit.clean
        try reportingConfigurationErrors {
            let config = try settings.load()
            let selected = only.isEmpty ? App.queries : try only.map { try declaredQuery($0, of: App.self) }
            LogSetup.bootstrap(config)
            let runner = ServiceRunner(
                queries: selected, configuration: config, session: LogSetup.session(config), logger: LogSetup.logger(config))
            code = runner.run()
        }
        if code != .clean { throw ExitCode(code.rawValue) }
    }
}
