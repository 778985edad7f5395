import ArgumentParser
import Foundation
import Streaming

/// `sluice logs TABLE --where c=v --from ... --to ... --tz ZONE`: the log dump.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the rows of a Delta table in a time range (local times in a time zone), filtered by column values.",
        discussion: """
            Rows whose time column lies in [--from, --to), both local times in the IANA zone --tz \
            (a time in a daylight-saving gap moves forward by the gap; one in an overlap is the earlier instant). \
            Files come from the Delta log only, so compaction, replays and vacuum never show a row twice. \
            JSON lines hold each row's columns in table order with timestamps in ISO-8601 UTC. \
            Memory stays bounded: one row group at a time. A summary goes to stderr.
            """)

    @Argument(help: "The table's directory.")
    var table: String

    @Option(name: .customLong("where"), help: "COLUMN=VALUE; repeat for several (all must hold).")
    var conditions: [String] = []

    @Option(help: "Start, inclusive: \"YYYY-MM-DD HH:MM[:SS]\" in --tz.")
    var from: String

    @Option(help: "End, exclusive: \"YYYY-MM-DD HH:MM[:SS]\" in --tz.")
    var to: String

    @Option(help: "IANA time zone of --from and --to, e.g. Europe/Paris, or an offset like +01:00.")
    var tz: String

    @Option(help: "The timestamp column (default: the table's only timestamp column).")
    var timeColumn: String?

    @Option(help: "jsonl or csv.")
    var format: String = "jsonl"

    func run() throws {
        guard let outputFormat = RowTextEncoder.Format(rawValue: format) else {
            throw ValidationError("--format must be jsonl or csv, not '\(format)'")
        }
        var pairs: [(column: String, value: String)] = []
        for c in conditions {
            guard let eq = c.firstIndex(of: "="), eq != c.startIndex else {
                throw ValidationError("--where '\(c)' is not COLUMN=VALUE")
            }
            pairs.append((String(c[..<eq]), String(c[c.index(after: eq)...])))
        }
        let started = DispatchTime.now()
        var dump = try DeltaLogDump(table: DeltaTable(path: table), where: pairs, from: from, to: to, timeZone: tz, timeColumn: timeColumn)
        let encoder = RowTextEncoder(format: outputFormat, schema: dump.schema)
        var buffer = encoder.header()
        let out = FileHandle.standardOutput
        while let batch = try dump.next() {
            encoder.encode(batch, into: &buffer)
            if buffer.count >= 1 << 20 {
                out.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { out.write(Data(buffer)) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        FileHandle.standardError.write(Data((dump.statistics.summary(elapsedSeconds: seconds) + "\n").utf8))
    }
}
