import ArgumentParser
import Foundation
import Streaming

struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Bring a query's Delta table back in line with its checkpoint, or explain why it cannot be.",
        discussion: """
            When the checkpoint is older than the table (restored from a backup), the query refuses to start. \
            recover rolls the table back to the checkpoint in one commit: the files the query's later commits added \
            are removed, the files they removed come back, and the query's txn is set back. The next start runs those \
            batches again. It refuses when another writer changed those files since (optimize, a replay) or a file \
            it needs was vacuumed. A table behind its checkpoint needs no recover when the checkpoint still has the \
            batches: the next start re-applies them. Exits 1 when it cannot repair.
            """)

    @Argument(help: "The query's checkpoint directory.")
    var checkpoint: String

    @Option(help: "The Delta table the query writes (default: the one the checkpoint recorded).")
    var table: String?

    func run() throws {
        let report = try CheckpointRecovery(checkpoint: checkpoint, table: table).repair()
        print(report.message)
        if report.outcome == .cannotRepair { throw ExitCode.failure }
    }
}
