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

    @Flag(help: "Keep the queries running (processing-time trigger) while a new log file arrives every few seconds; serve the web UI and /metrics. Ctrl-C or SIGTERM stops.")
    var serve = false

    @Option(help: "With --serve: the port of the web UI and /metrics (0 picks a free one).")
    var port = 8321

    @Option(help: "With --serve: the address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "With --serve: seconds between new log files.")
    var fileEvery = 3.0

    func run() throws {
        if fresh { try FileSystem.removeTree(dir) }
        if serve {
            let exit = try DemoServe(dir: dir, port: port, host: host, fileEvery: .milliseconds(Int64(fileEvery * 1000))).run()
            if exit != .clean { throw ExitCode(exit.rawValue) }
            return
        }
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
        // The demo prints a line per batch itself; the engine's log adds only its warnings.
        session.streams.logger.logLevel = .warning
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

        try writeErrorsPerMinuteTable(logs)
        print("\nRun `swift run sluice demo` again: it adds two files and processes only those.")
    }

    /// The second query: errors per service per minute (1-minute windows, 10-minute watermark,
    /// append mode) into a Delta table partitioned by date, exactly once per batch.
    private func writeErrorsPerMinuteTable(_ logs: DataStream) throws {
        let table = FilePaths.join(dir, "tables", "errors_per_minute")
        let query = try logs
            .withWatermark("timestamp", delay: .minutes(10))
            .filter(col("level") == "ERROR")
            .groupBy(window(col("timestamp"), .minutes(1)), col("service"))
            .agg(count().as("errors"), max(col("latency_ms")).as("worst_ms"))
            .withColumn("date", toDate(col("window_start")))
            .writeStream
            .format(.delta(table, partitionBy: ["date"]))
            .outputMode(.append)
            .queryName("errors_per_minute")
            .checkpointLocation(FilePaths.join(dir, "checkpoints", "errors_per_minute"))
            .trigger(.availableNow)
            .start()
        try query.awaitTermination()
        let snap = try DeltaTable(path: table).snapshot()
        let rows = snap.addFiles.reduce(Int64(0)) { $0 + ($1.numRecords ?? 0) }
        print("\nErrors per service per minute -> Delta table \(table)")
        print("  \(query.recentProgress.count) batch(es) this run; table version \(snap.version), \(snap.files.count) files, \(rows) rows in partitions "
            + Set(snap.addFiles.compactMap { $0.partitionValues["date"] ?? nil }).sorted().joined(separator: ", "))
        print("  (windows still open under the watermark are written by a later run)")
        print("Read it:")
        print("  swift run sluice table info \(table)")
        print("  swift run sluice table history \(table)")
        print("  python3 -c \"from deltalake import DeltaTable; print(DeltaTable('\(table)').to_pyarrow_table().sort_by('window_start').slice(0, 5))\"")
        print("  duckdb -c \"select * from read_parquet('\(table)/date=*/*.parquet', hive_partitioning=true) order by window_start\"")
    }
}
