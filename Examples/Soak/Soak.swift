// Soak: one query at a steady trickle for a long time, sampled every interval, to show that
// memory, descriptors and files stay flat. See docs/RELIABILITY.md ("Soak").
//
//   scripts/soak.sh --minutes 60          # builds, starts the producer, runs, prints the table
import ArgumentParser
import Foundation
import Streaming

@main
struct Soak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-soak",
        abstract: "Run a streaming query for a long time and report its memory, descriptors and files per interval.",
        subcommands: [Run.self, Produce.self, SinkCost.self],
        defaultSubcommand: Run.self)
}

extension Soak {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the query on a processing-time trigger and print one sample row per report interval.")

        @Option(help: "dedup (dropDuplicatesWithinWatermark) or windowed (5-minute windows).") var query: SoakQuery = .dedup
        @Option(help: "Directory the producer drops event files into.") var input: String
        @Option(help: "The Delta table to write.") var table: String
        @Option(help: "The query's checkpoint directory.") var checkpoint: String
        @Option(help: "How long to run.") var minutes: Double = 10
        @Option(name: .customLong("interval-seconds"), help: "Processing-time trigger interval.") var intervalSeconds: Double = 1
        @Option(name: .customLong("report-seconds"), help: "Seconds between sample rows.") var reportSeconds: Double = 60
        @Option(name: .customLong("warmup-minutes"), help: "Samples before this are left out of the growth rates.")
        var warmupMinutes: Double = 5
        @Option(help: "markdown or tsv.") var format: SoakTable.Format = .markdown
        @Option(
            name: .customLong("table-property"),
            help: "key=value set on the Delta table when the sink creates it (repeatable), e.g. delta.deletedFileRetentionDuration='interval 1 hour'.")
        var tableProperties: [String] = []
        @Flag(name: .customLong("keep-freed-memory"), help: "Call AllocatorTuning.keepFreedMemory() first, as throughput runs do.")
        var keepFreedMemory = false

        func validate() throws {
            guard minutes > 0, intervalSeconds >= 0, reportSeconds > 0, warmupMinutes >= 0 else {
                throw ValidationError("minutes and report-seconds must be positive; interval and warm-up not negative")
            }
            for p in tableProperties where !p.contains("=") { throw ValidationError("--table-property takes key=value, got '\(p)'") }
        }

        func run() throws {
            if keepFreedMemory { AllocatorTuning.keepFreedMemory() }
            let configuration = Dictionary(
                tableProperties.map { p in (String(p.prefix { $0 != "=" }), String(p.drop { $0 != "=" }.dropFirst())) },
                uniquingKeysWith: { $1 })
            let sink = DeltaSink(path: table, partitionBy: ["date"], configuration: configuration)
            let running = try query.start(
                input: input, sink: sink, checkpoint: checkpoint, interval: .milliseconds(Int64(intervalSeconds * 1000)))
            let probe = SoakProbe(query: running, sink: sink, checkpoint: checkpoint, input: input)
            var report = SoakTable(format: format)
            report.printHeader()
            let start = ContinuousClock.now
            let end = start + .milliseconds(Int64(minutes * 60_000))
            var next = start
            while true {
                next += .milliseconds(Int64(reportSeconds * 1000))
                if next > end { next = end }
                // Returns early (true, or by throwing) only if the query terminated.
                let wait = next - ContinuousClock.now
                if wait > .zero, (try? running.awaitTermination(timeout: wait)) ?? true { break }
                report.add(try probe.sample(elapsed: ContinuousClock.now - start))
                if next >= end { break }
            }
            running.stop()
            if let error = running.exception {
                print("query failed: \(error)")
                throw ExitCode.failure
            }
            report.printSummary(warmupMinutes: warmupMinutes)
        }
    }

    struct SinkCost: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sink-cost",
            abstract: "Time small appends through the Delta sink into tables of growing numbers of live files.")

        @Option(help: "Live files in the table (repeatable).") var files: [Int] = [1_000, 10_000, 86_400]
        @Option(help: "Timed batches per table.") var batches = 30
        @Option(help: "Work directory (tables are left there).") var work = "/tmp/sluice-soak-sink-cost"

        func run() throws {
            let bench = SinkBench(directory: FileSystem.absolute(work), batches: batches)
            print("| live files | ms per append (mean) | without checkpoint | with checkpoint | checkpoint KiB | heap B per file | heap B per tombstone |")
            print("|---:|---:|---:|---:|---:|---:|---:|")
            for n in files {
                let r = try bench.run(files: n)
                print(String(
                    format: "| %d | %.1f | %.1f | %.1f | %lld | %.0f | %.0f |", r.files, r.meanMillis, r.meanWithoutCheckpointMillis,
                    r.checkpointMillis, r.checkpointBytes / 1024, r.heapBytesPerFile, r.heapBytesPerTombstone))
                fflush(nil)
            }
        }
    }

    struct Produce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop a small JSON-lines file of events into a directory every interval (hidden name, then rename).")

        @Option(help: "Directory to write into (created if missing).") var out: String
        @Option(name: .customLong("interval-seconds"), help: "Seconds between files.") var intervalSeconds: Double = 1
        @Option(name: .customLong("rows-per-file"), help: "Events per file.") var rowsPerFile = 100
        @Option(help: "Stop after this many minutes (default: until killed).") var minutes: Double?
        @Option(name: .customLong("keep-minutes"), help: "Delete files older than this (default: keep all).")
        var keepMinutes: Double?
        @Option(help: "Seed of the event ids and values.") var seed: UInt64 = 1

        func run() throws {
            var producer = try EventProducer(directory: out, rowsPerFile: rowsPerFile, seed: seed)
            let start = ContinuousClock.now
            let interval = Duration.milliseconds(Int64(intervalSeconds * 1000))
            var next = start
            while minutes.map({ ContinuousClock.now - start < .milliseconds(Int64($0 * 60_000)) }) ?? true {
                try producer.writeFile()
                if let keepMinutes { try producer.deleteFiles(olderThanMillis: Int64(keepMinutes * 60_000)) }
                next += interval
                let wait = next - ContinuousClock.now
                if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
            }
        }
    }
}
