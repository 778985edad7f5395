import ArgumentParser
import Streaming

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate sample service logs and run a streaming query over them (local files, no servers).")

    @Option(help: "Working directory for the demo's input, checkpoint and bad records.")
    var dir = "sluice-demo"

    @Flag(help: "Delete the demo directory first.")
    var fresh = false

    func run() throws {
        if fresh { try FileSystem.removeTree(dir) }
        let input = FilePaths.join(dir, "raw", "service-logs")
        let checkpoint = FilePaths.join(dir, "checkpoints", "errors")
        let firstRun = !FileSystem.isDirectory(input)
        try FileSystem.createDirectory(input)
        let existing = try FileSystem.list(input).reduce(0) { n, day in
            n + ((try? FileSystem.list(FilePaths.join(input, day)))?.count ?? 0)
        }
        // First run: a backlog of 6 files. Later runs: 2 new files, to show that a restart
        // picks up exactly where the last run stopped.
        let written = try DemoData.write(
            to: input, files: existing..<(existing + (firstRun ? 6 : 2)), linesPerFile: 200, seed: UInt64(42 + existing))
        print("wrote \(written.count) log files under \(input)\(firstRun ? "" : " (new since the last run)")")

        let session = StreamingSession()
        let logs = try session.readStream
            .format(.jsonLines)
            .schema(DemoData.schema)
            .option(.maxFilesPerTrigger(2))
            .option(.badRecordsPath(FilePaths.join(dir, "bad-records")))
            .load(input)

        let errors = logs
            .filter(col("level") == "ERROR" && col("latency_ms") > 1000)
            .select(col("timestamp"), col("service"), col("context.customer").as("customer"), col("latency_ms"), col("date"))

        let query = try errors.writeStream
            .format(.console(numRows: 5))
            .outputMode(.append)
            .queryName("slow_errors")
            .checkpointLocation(checkpoint)
            .trigger(.availableNow)
            .start()
        try query.awaitTermination()

        print("\nProgress (one line per micro-batch):")
        for p in query.recentProgress {
            let malformed = p.sources.reduce(0) { $0 + $1.numMalformedRows }
            print(
                "  batch \(p.batchId): \(p.numInputRows) input rows, \(p.sink.numOutputRows) slow errors, "
                    + "\(malformed) malformed line(s) sent to bad-records, \(p.durationMs["triggerExecution"] ?? 0) ms")
        }
        if query.recentProgress.isEmpty { print("  no new data") }
        print("\nQuery id \(query.id) (stable across runs); checkpoint in \(checkpoint).")
        print("Run `swift run sluice demo` again: it adds two files and processes only those.")
    }
}
