import ArgumentParser
import Streaming

/// The queries the harness crashes, each from the event files into a Delta table partitioned by
/// date, one file per batch, running until the backlog is done (`availableNow`).
enum TortureQuery: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Events per kind per 5-minute window: count, amount, largest amount, distinct users;
    /// 10-minute watermark, append mode.
    case windowed
    /// Events without re-sends: `dropDuplicatesWithinWatermark("id")`, 10-minute watermark.
    case dedup
    /// Events except refunds, some columns, no state: what a replay beside the stream rewrites
    /// row for row (README "Backfill").
    case stateless

    static let schema = Schema([
        Field("id", .string), Field("ts", .timestamp), Field("kind", .string), Field("user", .string), Field("amount", .int64),
    ])

    /// The engine's query id prefix in the table's history and the replay's `txn` appId suffix.
    var name: String { "torture-\(rawValue)" }

    /// False for the query whose batches hold no state: kills cannot land in the state steps.
    var hasState: Bool { self != .stateless }

    func stream(input: String) throws -> DataStream {
        let events = try StreamingSession().readStream
            .format(.jsonLines)
            .schema(Self.schema)
            .option(.maxFilesPerTrigger(1))
            .load(input)
        switch self {
        case .windowed:
            return events
                .withWatermark("ts", delay: .minutes(10))
                .groupBy(window(col("ts"), .minutes(5)), col("kind"))
                .agg(
                    count().as("events"), sum(col("amount")).as("amount"), max(col("amount")).as("largest"),
                    approxCountDistinct(col("user")).as("users"))
                .withColumn("date", toDate(col("window_start")))
        case .dedup:
            return events
                .withWatermark("ts", delay: .minutes(10))
                .dropDuplicatesWithinWatermark("id")
                .withColumn("date", toDate(col("ts")))
        case .stateless:
            return events
                .filter(col("kind") != "refund")
                .select("id", "ts", "kind", "amount")
                .withColumn("date", toDate(col("ts")))
        }
    }

    private func writer(input: String, table: String, checkpoint: String) throws -> DataStreamWriter {
        try stream(input: input).writeStream
            .format(.delta(table, partitionBy: ["date"]))
            .outputMode(.append)
            .queryName(name)
            .checkpointLocation(checkpoint)
            .statePartitions(3)
            .trigger(.availableNow)
    }

    /// Runs the query on `checkpoint` until the backlog is done. Phase tracing, if any, comes
    /// from the environment (`SLUICE_TRACE_PHASES`), which the driver sets for workers only.
    func run(input: String, table: String, checkpoint: String) throws {
        let query = try writer(input: input, table: table, checkpoint: checkpoint).start()
        try query.awaitTermination()
    }

    /// Replaces the days `[from, to)` of the table with the query's result over the input the
    /// stream on `checkpoint` had consumed by its last batch in the table (README "Backfill").
    func replay(input: String, table: String, checkpoint: String, from: Int64, to: Int64) throws -> ReplayResult {
        try writer(input: input, table: table, checkpoint: checkpoint).replay(from: from, to: to, eventTime: "ts")
    }
}
