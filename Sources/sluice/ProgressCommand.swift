import ArgumentParser
import Foundation
import Service
import Streaming

struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Print the recent progress records kept in a query's checkpoint.")

    @Argument(help: "The query's checkpoint directory.")
    var checkpoint: String

    @Option(help: "How many of the latest records to print.")
    var last = 1

    @Flag(help: "Keep printing each new record as batches complete, until interrupted.")
    var follow = false

    func run() throws {
        if follow { followProgress(checkpoint: checkpoint, last: last, interval: 1) }
        print(try CheckpointInspector(checkpoint).progressReport(last: last))
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where a query stands: running or not, its id, batches, watermark, event-time lag and backlog.")

    @Argument(help: "The query's checkpoint directory.")
    var checkpoint: String

    func run() throws {
        let details = try CheckpointInspector(checkpoint).status().description
        let report = QueryStatusReport.read(name: URL(fileURLWithPath: checkpoint).lastPathComponent, checkpoint: checkpoint)
        // The report's first line says whether a process runs the query; its last lines add the
        // watermark, lag and backlog to the checkpoint's own description.
        let lines = report.text.split(separator: "\n").map(String.init)
        print(([lines[0]] + [details] + lines.dropFirst().filter {
            $0.hasPrefix("  watermark") || $0.hasPrefix("  event-time lag") || $0.hasPrefix("  backlog") || $0.hasPrefix("  problem")
        }.map { String($0.dropFirst(2)) }).joined(separator: "\n"))
    }
}
