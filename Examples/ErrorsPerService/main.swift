// Errors per service per minute, from JSON-lines service logs, with a 10-minute watermark.
//
//   swift run sluice demo                                   # writes sluice-demo/raw/service-logs
//   swift run ErrorsPerService sluice-demo/raw/service-logs
//
// Each (minute, service) row is printed once, when the watermark has passed the minute's end,
// so late log lines up to 10 minutes old are still counted.
import Streaming

let input = CommandLine.arguments.dropFirst().first ?? "sluice-demo/raw/service-logs"

let schema = Schema([
    Field("timestamp", .timestamp), Field("level", .string), Field("service", .string),
    Field("context.customer", .string), Field("latency_ms", .int64),
    // The demo writes the logs under date=YYYY-MM-DD/ directories: a declared field of that name
    // is filled from them (an undeclared directory key is refused).
    Field("date", .date),
])

let session = StreamingSession()
let logs = try session.readStream
    .format(.jsonLines)
    .schema(schema)
    .option(.maxFilesPerTrigger(2))
    .load(input)

let errorsPerMinute = logs
    .withWatermark("timestamp", delay: .minutes(10))
    .filter(col("level") == "ERROR")
    .groupBy(window(col("timestamp"), .minutes(1)), col("service"))
    .agg(count().as("errors"), max(col("latency_ms")).as("worst_ms"), approxCountDistinct(col("context.customer")).as("customers"))

let query = try errorsPerMinute.writeStream
    .format(.console(numRows: 8))
    .outputMode(.append)
    .queryName("errors_per_minute")
    .trigger(.availableNow)
    .start()
try query.awaitTermination()

for p in query.recentProgress {
    let state = p.stateOperators.first
    print(
        "batch \(p.batchId): \(p.numInputRows) lines, watermark \(p.eventTime["watermark"] ?? "-"), "
            + "\(p.sink.numOutputRows) rows out, \(state?.numRowsTotal ?? 0) open windows, \(state?.numRowsDroppedByWatermark ?? 0) late")
}
