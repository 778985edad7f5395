import ArgumentParser
import Foundation
import Logging
import Streaming

struct BackfillCommand<App: StreamingApp>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "backfill",
            abstract: "Recompute whole days of a query's Delta table from its input (replay), in one commit.",
            discussion: """
                Safe beside the running query: with its checkpoint, the replay reads exactly the input the stream had \
                consumed and leaves the rest to it (README "Backfill"). A query that never ran is replayed over all \
                input in range. Shows a progress bar on a terminal, log lines otherwise.
                """)
    }

    @Argument(help: "The query's name.")
    var name: String

    @Option(help: "First day to replay, YYYY-MM-DD (UTC).")
    var from: String

    @Option(help: "Last day to replay, YYYY-MM-DD (UTC), included.")
    var to: String

    @OptionGroup var settings: ConfigOptions

    func run() throws {
        try reportingConfigurationErrors {
            let config = try settings.load()
            let q = try declaredQuery(name, of: App.self)
            guard let first = Dates.parse(from), let last = Dates.parse(to) else {
                throw ConfigurationError("--from \(from) / --to \(to): dates are YYYY-MM-DD")
            }
            guard first <= last else { throw ConfigurationError("--from \(from) is after --to \(to)") }
            LogSetup.bootstrap(config)
            let logger = LogSetup.logger(config, label: "sluice.backfill")
            let context = PipelineContext(session: LogSetup.session(config), configuration: config)
            let built = try q.build(context).queryName(q.name)
            let checkpoint = try q.checkpoint(context, built: built)
            // Beside the stream when it has a checkpoint; a query that never ran owns no input yet.
            let streamed = (try? CheckpointInspector(checkpoint).status()) != nil
            let writer = streamed ? built.checkpointLocation(checkpoint) : built
            let reporter = BackfillReporter(query: q.name, terminal: isatty(STDERR_FILENO) == 1, logger: logger)
            var options = ReplayOptions()
            options.onProgress = { reporter.report($0) }
            let beside = streamed ? "beside the stream's checkpoint \(checkpoint)" : "(the query has no checkpoint: all input in range)"
            logger.info("backfill \(q.name): \(from) to \(to) \(beside)")
            let result = try writer.replay(
                from: Int64(first) * Timestamps.microsPerDay, to: Int64(last + 1) * Timestamps.microsPerDay, eventTime: q.eventTime,
                options: options)
            reporter.finish()
            print(
                "backfill \(q.name) \(from)…\(to): \(result.inputRows) input rows in range (\(result.rowsRead) read, \(result.malformedRows) malformed), "
                    + "\(result.filesRead) files read, \(result.filesPruned) pruned, \(result.outputRows) rows written; "
                    + "table version \(result.version.map(String.init) ?? "-"): \(result.filesRemoved) files removed, \(result.filesAdded) added"
                    + (result.streamBatchId.map { "; stream batch \($0) was the boundary" } ?? ""))
        }
    }
}

/// Shows a replay's progress: a bar redrawn in place on a terminal (days and files done, rows
/// per second, time left), otherwise an info log line per input batch.
final class BackfillReporter: @unchecked Sendable {
    // Called on the replaying thread only.
    private let query: String
    private let terminal: Bool
    private let logger: Logger
    private let started = ContinuousClock.now
    private var drawn = false

    init(query: String, terminal: Bool, logger: Logger) {
        self.query = query
        self.terminal = terminal
        self.logger = logger
    }

    func report(_ p: ReplayProgress) {
        let line = Self.describe(p, elapsed: (ContinuousClock.now - started).seconds)
        if terminal {
            let width = 24
            let done = p.files == 0 ? width : width * p.filesDone / p.files
            let bar = "[" + String(repeating: "#", count: done) + String(repeating: ".", count: width - done) + "]"
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(bar) \(line)".utf8))
            drawn = true
        } else if p.batchesDone > 0 {
            logger.info("backfill \(query): \(line)", metadata: ["query": "\(query)", "filesDone": "\(p.filesDone)", "files": "\(p.files)"])
        }
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `3/10 days, 45/120 files, 12.3k rows/s, ETA 1m12s`.
    static func describe(_ p: ReplayProgress, elapsed: Double) -> String {
        var parts = ["\(p.daysDone)/\(p.days) days", "\(p.filesDone)/\(p.files) files"]
        let rate = elapsed > 0 ? Double(p.rowsRead) / elapsed : 0
        parts.append(rate >= 1000 ? String(format: "%.1fk rows/s", rate / 1000) : String(format: "%.0f rows/s", rate))
        if p.filesDone > 0 && p.filesDone < p.files {
            parts.append("ETA " + eta(elapsed * Double(p.files - p.filesDone) / Double(p.filesDone)))
        } else if p.files > 0 && p.filesDone == p.files {
            parts.append("committing")
        }
        return parts.joined(separator: ", ")
    }

    static func eta(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m"
    }
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
