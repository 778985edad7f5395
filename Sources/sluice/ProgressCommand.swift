import ArgumentParser
import Streaming

struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Print the recent progress records kept in a query's checkpoint.")

    @Argument(help: "The query's checkpoint directory.")
    var checkpoint: String

    @Option(help: "How many of the latest records to print.")
    var last = 1

    func run() throws {
        print(try CheckpointInspector(checkpoint).progressReport(last: last))
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show where a query stands: its id, last batch, and whether a batch is pending.")

    @Argument(help: "The query's checkpoint directory.")
    var checkpoint: String

    func run() throws {
        print(try CheckpointInspector(checkpoint).status().description)
    }
}
