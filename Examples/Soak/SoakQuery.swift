import ArgumentParser
import Streaming

/// The queries a soak runs: the producer's events into a Delta table partitioned by date, on a
/// processing-time trigger, as a service would run them.
enum SoakQuery: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// `dropDuplicatesWithinWatermark("id")` with a 1-minute watermark (re-sent events go).
    case dedup
    /// Events per kind per 1-minute window (count, amount, distinct users), 1-minute watermark.
    case windowed

    static let schema = Schema([
        Field("id", .string), Field("ts", .timestamp), Field("kind", .string), Field("user", .string), Field("amount", .int64),
    ])

    func stream(input: String) throws -> DataStream {
        let events = try StreamingSession().readStream
            .format(.jsonLines)
            .schema(Self.schema)
            .load(input)
            .withWatermark("ts", delay: .minutes(1))
        switch self {
        case .dedup:
            return events
                .dropDuplicatesWithinWatermark("id")
                .withColumn("date", toDate(col("ts")))
        case .windowed:
            return events
                .groupBy(window(col("ts"), .minutes(1)), col("kind"))
                .agg(count().as("events"), sum(col("amount")).as("amount"), approxCountDistinct(col("user")).as("users"))
                .withColumn("date", toDate(col("window_start")))
        }
    }

    /// Starts the query on `checkpoint`, one batch every `interval`, appending to `sink`.
    func start(input: String, sink: DeltaSink, checkpoint: String, interval: Duration) throws -> StreamingQuery {
        try stream(input: input).writeStream
            .format(.custom(sink))
            .outputMode(.append)
            .queryName("soak-\(rawValue)")
            .checkpointLocation(checkpoint)
            .trigger(.processingTime(interval))
            .start()
    }
}
