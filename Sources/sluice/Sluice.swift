import ArgumentParser

@main
struct Sluice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Sluice: structured streaming for Swift — run the demo, inspect queries.",
        subcommands: [DemoCommand.self, IngestCommand.self, ProgressCommand.self, StatusCommand.self, RecoverCommand.self, TableCommand.self, LogsCommand.self])
}
