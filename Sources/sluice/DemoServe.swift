import ArgumentParser
import Foundation
import Service
import Streaming

/// `sluice demo --serve`: the demo's two queries keep running on a processing-time trigger
/// while a producer drops a new log file every few seconds; the web UI and `/metrics` are
/// served, and SIGINT or SIGTERM stops everything after the batches in progress (exit 0).
struct DemoServe {
    var dir: String
    var port: Int
    var host: String
    var fileEvery: Duration

    func run() throws -> ServiceExit {
        let input = FilePaths.join(dir, "raw", "service-logs")
        try FileSystem.createDirectory(input)
        let tables = FilePaths.join(dir, "tables")
        var config = AppConfiguration()
        config.checkpoints = FilePaths.join(dir, "serve-checkpoints")
        config.host = host
        config.port = port
        config.trigger = .processingTime(.seconds(2))
        let producer = DemoProducer(input: input, every: fileEvery)
        let runner = ServiceRunner(queries: Self.queries(input: input, tables: tables), configuration: config)
        let exit = runner.run(beforeQueries: {
            // One file before the queries start: its `date=` directory makes `date` a column.
            try producer.writeNext()
            print("dropping a new log file into \(input) every \(fileEvery); Ctrl-C stops")
            producer.start()
        })
        producer.stop()
        return exit
    }

    static func queries(input: String, tables: String) -> [PipelineQuery] {
        @Sendable func logs(_ ctx: PipelineContext) throws -> DataStream {
            try ctx.session.readStream.format(.jsonLines).schema(DemoData.schema).option(.maxFilesPerTrigger(2)).load(input)
        }
        return [
            PipelineQuery("slow_errors") { ctx in
                try logs(ctx)
                    .filter(col("level") == "ERROR" && col("latency_ms") > 1000)
                    .select(col("timestamp"), col("service"), col("context.customer").as("customer"), col("latency_ms"), col("date"))
                    .writeStream
                    .format(.delta(FilePaths.join(tables, "slow_errors"), partitionBy: ["date"]))
            },
            PipelineQuery("errors_per_minute") { ctx in
                try logs(ctx)
                    .withWatermark("timestamp", delay: .minutes(10))
                    .filter(col("level") == "ERROR")
                    .groupBy(window(col("timestamp"), .minutes(1)), col("service"))
                    .agg(count().as("errors"), max(col("latency_ms")).as("worst_ms"))
                    .withColumn("date", toDate(col("window_start")))
                    .writeStream
                    .format(.delta(FilePaths.join(tables, "errors_per_minute"), partitionBy: ["date"]))
            },
        ]
    }
}

/// Writes the next demo log file every `every`, on its own thread, until stopped.
final class DemoProducer: @unchecked Sendable {
    private let input: String
    private let every: Duration
    private let condition = NSCondition()
    private var stopping = false
    private var thread: Thread?

    init(input: String, every: Duration) {
        self.input = input
        self.every = every
    }

    func start() {
        let t = Thread { [self] in loop() }
        t.name = "sluice-demo-producer"
        thread = t
        t.start()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Writes the next numbered file (numbers continue from the files already there).
    func writeNext() throws {
        let next = try FileSystem.list(input).reduce(0) { n, day in
            n + ((try? FileSystem.list(FilePaths.join(input, day)))?.count ?? 0)
        }
        try DemoData.write(to: input, files: next..<(next + 1), linesPerFile: 200, seed: UInt64(42 + next))
    }

    private func loop() {
        while true {
            condition.lock()
            let deadline = Date().addingTimeInterval(Double(every.components.seconds) + Double(every.components.attoseconds) / 1e18)
            while !stopping && condition.wait(until: deadline) {}
            let done = stopping
            condition.unlock()
            if done { return }
            try? writeNext()
        }
    }
}
