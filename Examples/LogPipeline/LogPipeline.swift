import Service
import Streaming

/// A log pipeline as one executable: `log-pipeline run --path input=raw/logs --path tables=tables`.
/// Service logs (JSON lines partitioned by date) become a Delta table of errors and one of
/// errors per service per minute. `log-pipeline --help` lists the commands.
@main
struct LogPipeline: StreamingApp {
    static let schema = Schema([
        Field("timestamp", .timestamp), Field("level", .string), Field("service", .string),
        Field("latency_ms", .int64), Field("message", .string), Field("date", .date),
    ])

    static let abstract = "Service logs into Delta tables: errors, and errors per service per minute."

    static let queries = [
        // No watermark here: `backfill` learns the event-time column from `eventTime`.
        PipelineQuery("errors", eventTime: "timestamp") { ctx in
            try logs(ctx)
                .filter(col("level") == "ERROR")
                .select(col("timestamp"), col("service"), col("latency_ms"), col("message"), col("date"))
                .writeStream
                .format(.delta(FilePaths.join(try ctx.path("tables"), "errors"), partitionBy: ["date"]))
        },
        PipelineQuery("errors_per_minute") { ctx in
            try logs(ctx)
                .withWatermark("timestamp", delay: .minutes(10))
                .filter(col("level") == "ERROR")
                .groupBy(window(col("timestamp"), .minutes(1)), col("service"))
                .agg(count().as("errors"), max(col("latency_ms")).as("worst_ms"))
                .withColumn("date", toDate(col("window_start")))
                .writeStream
                .format(.delta(FilePaths.join(try ctx.path("tables"), "errors_per_minute"), partitionBy: ["date"]))
                .outputMode(.append)
        },
    ]

    static func logs(_ ctx: PipelineContext) throws -> DataStream {
        try ctx.session.readStream
            .format(.jsonLines)
            .schema(schema)
            .option(.maxFilesPerTrigger(1))
            .load(ctx.path("input"))
    }
}
