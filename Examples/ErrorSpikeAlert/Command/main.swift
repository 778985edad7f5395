// Error-spike alerts per service from JSON-lines service logs: `transformWithState` with list
// and value state and event-time timers (README "Stateful processors").
//
//   swift run sluice demo                                   # writes sluice-demo/raw/service-logs
//   swift run ErrorSpikeAlert sluice-demo/raw/service-logs [threshold]
//
// A service gets one "spike" row when more than `threshold` errors (default 20) fall within
// 5 minutes of event time, and one "calm" row once the watermark shows a 5-minute window with
// `threshold` or fewer again; nothing in between, however long the episode lasts.
import SpikeAlert
import Streaming

let arguments = CommandLine.arguments.dropFirst()
let input = arguments.first ?? "sluice-demo/raw/service-logs"
let threshold = arguments.dropFirst().first.flatMap { Int($0) } ?? 20

let schema = Schema([
    Field("timestamp", .timestamp), Field("level", .string), Field("service", .string),
    // The demo writes the logs under date=YYYY-MM-DD/ directories.
    Field("date", .date),
])

let alerts = try StreamingSession().readStream
    .format(.jsonLines)
    .schema(schema)
    .option(.maxFilesPerTrigger(2))
    .load(input)
    .withWatermark("timestamp", delay: .minutes(1))
    .filter(col("level") == "ERROR")
    .groupByKey("service")
    .transformWithState(ErrorSpikeAlert(threshold: threshold), timeMode: .eventTime)

let query = try alerts.writeStream
    .format(.console(numRows: 20))
    .outputMode(.append)
    .queryName("error_spike_alerts")
    .trigger(.availableNow)
    .start()
try query.awaitTermination()

for p in query.recentProgress where p.sink.numOutputRows > 0 || p.numInputRows > 0 {
    let state = p.stateOperators.first
    print(
        "batch \(p.batchId): \(p.numInputRows) lines, watermark \(p.eventTime["watermark"] ?? "-"), "
            + "\(p.sink.numOutputRows) alerts, \(state?.numRowsTotal ?? 0) services with state, \(state?.numRowsDroppedByWatermark ?? 0) late")
}
