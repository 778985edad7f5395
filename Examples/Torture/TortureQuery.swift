import ArgumentParser
import Streaming

/// The two stateful queries the harness crashes, each from the event files into a Delta table
/// partitioned by date, one file per batch, running until the backlog is done (`availableNow`).
enum TortureQuery: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Events per kind per 5-minute window: count, amount, largest amount, distinct users;
    /// 10-minute watermark, append mode.
    case windowed
    /// Events without re-sends: `dropDuplicatesWithinWatermark("id")`, 10-minute watermark.
    case dedup

    static let schema = Schema([
        Field("id", .string), Field("ts", .timestamp), Field("kind", .string), Field("user", .string), Field("amount", .int64),
    ])

    func stream(input: String) throws -> DataStream {
        let events = try StreamingSession().readStream
            .format(.jsonLines)
            .schema(Self.schema)
            .option(.maxFilesPerTrigger(1))
            .load(input)
            .withWatermark("ts", delay: .minutes(10))
        switch self {
        case .windowed:
            return events
                .groupBy(window(col("ts"), .minutes(5)), col("kind"))
                .agg(
                    count().as("events"), sum(col("amount")).as("amount"), max(col("amount")).as("largest"),
                    approxCountDistinct(col("user")).as("users"))
                .withColumn("date", toDate(col("window_start")))
        case .dedup:
            return events
                .dropDuplicatesWithinWatermark("id")
                .withColumn("date", toDate(col("ts")))
        }
    }

    /// Runs the query on `checkpoint` until the backlog is done. Phase tracing, if any, comes
    /// from the environment (`SLUICE_TRACE_PHASES`), which the driver sets for workers only.
    func run(input: String, table: String, checkpoint: String) throws {
        let query = try stream(input: input).writeStream
            .format(.delta(table, partitionBy: ["date"]))
            .outputMode(.append)
            .queryName("torture-\(rawValue)")
            .checkpointLocation(checkpoint)
            .statePartitions(3)
            .trigger(.availableNow)
            .start()
        try query.awaitTermination()
    }
}
