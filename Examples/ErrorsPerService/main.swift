// Slow errors per service, from the demo's log files: a stateless streaming query.
//
//   swift run sluice demo            # creates sluice-demo/raw/service-logs
//   swift run ErrorsPerService sluice-demo/raw/service-logs
import Streaming

let input = CommandLine.arguments.dropFirst().first ?? "sluice-demo/raw/service-logs"

let schema = Schema([
    Field("timestamp", .timestamp), Field("level", .string), Field("service", .string),
    Field("context.customer", .string), Field("latency_ms", .int64),
])

let session = StreamingSession()
let logs = try session.readStream
    .format(.jsonLines)
    .schema(schema)
    .option(.maxFilesPerTrigger(10))
    .load(input)

let slowErrors = logs
    .filter(col("level") == "ERROR" && col("latency_ms") >= 1500)
    .select(col("timestamp"), col("service"), col("context.customer").as("customer"), col("latency_ms"))

let query = try slowErrors.writeStream
    .format(.console(numRows: 10))
    .queryName("slow_errors")
    .trigger(.availableNow)
    .start()
try query.awaitTermination()
print("processed \(query.recentProgress.reduce(0) { $0 + $1.numInputRows }) log lines in \(query.recentProgress.count) batch(es)")
