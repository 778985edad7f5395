// A query writing PostgreSQL or SQLite, for the SQL sinks' kill tests: the tests SIGKILL it at
// random moments and inside the sink's steps, restart it, and compare its table with that of an
// uninterrupted run.
//
//   sluice-sql-torture --mode append|update|complete --input DIR --checkpoint DIR \
//       --sink postgres://USER@HOST:PORT/DB | sqlite:PATH --table NAME [--query chained]
//
// Input: JSON lines with `id` (int64), `ts` (timestamp), `sensor` (string), `value` (double),
// one file per micro-batch (availableNow). The queries:
//   append    every row as it is;
//   update    per 10 s window and sensor: count and sum, watermark 10 s (keys window_start, sensor);
//   complete  per sensor: count and sum.
//   join      a stream-stream left outer join of --input with --input2 (its columns prefixed
//             with r): same sensor, right time within [ts, ts + 5 s], right rows with id % 3 == 0
//             only, watermark 10 s on both; left rows without a match come with nulls once
//             the watermark passes ts + 5 s (append).
// `--query chained` (append mode) chains three stateful operators: dropDuplicates(id, ts), per
// 10 s window and sensor count and sum, then per minute over those windows (watermark 10 s).
import Foundation
import SluicePostgres
import SluiceSQLite
import Streaming

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let schema = Schema([Field("id", .int64), Field("ts", .timestamp), Field("sensor", .string), Field("value", .double)])

func sinkFormat(_ target: String, table: String, keys: [String]) -> SinkFormat {
    if target.hasPrefix("sqlite:") { return .sqlite(path: String(target.dropFirst("sqlite:".count)), table: table, keys: keys) }
    return .postgres(url: target, table: table, keys: keys)
}

/// The `join` query: every left row exactly once, matched or (later) with nulls.
func joinQuery(_ input: String, _ input2: String) throws -> DataStream {
    let reader = StreamingSession().readStream.format(.jsonLines).schema(schema).option(.maxFilesPerTrigger(1))
    let left = try reader.load(input).withWatermark("ts", delay: .seconds(10))
    let right = try reader.load(input2).filter(col("id") % lit(.int64(3)) == lit(.int64(0)))
        .select(col("id").as("rid"), col("ts").as("rts"), col("sensor").as("rsensor"), col("value").as("rvalue"))
        .withWatermark("rts", delay: .seconds(10))
    let condition = col("sensor") == col("rsensor") && col("rts").between(col("ts"), col("ts") + .seconds(5))
    return left.join(right, on: condition, type: .leftOuter)
}

do {
    if argument("mode") == "join" {
        guard let input = argument("input"), let input2 = argument("input2"), let checkpoint = argument("checkpoint"),
            let target = argument("sink"), let table = argument("table")
        else { fail("usage: sluice-sql-torture --mode join --input DIR --input2 DIR --checkpoint DIR --sink URL|sqlite:PATH --table NAME") }
        try joinQuery(input, input2).writeStream.format(sinkFormat(target, table: table, keys: [])).outputMode(.append)
            .checkpointLocation(checkpoint).trigger(.availableNow).start().awaitTermination()
        exit(0)
    }
    guard let mode = argument("mode").flatMap(OutputMode.init(rawValue:)), let input = argument("input"),
        let checkpoint = argument("checkpoint"), let target = argument("sink"), let table = argument("table")
    else { fail("usage: sluice-sql-torture --mode append|update|complete --input DIR --checkpoint DIR --sink URL|sqlite:PATH --table NAME") }
    let rows = try StreamingSession().readStream.format(.jsonLines).schema(schema).option(.maxFilesPerTrigger(1)).load(input)
    let result: DataStream
    let keys: [String]
    switch mode {
    case .append where argument("query") == "chained":
        result = rows.withWatermark("ts", delay: .seconds(10))
            .dropDuplicates("id", "ts")
            .groupBy(window(col("ts"), .seconds(10)), col("sensor")).agg(count().as("n"), sum(col("value")).as("total"))
            .groupBy(window(col("window"), .seconds(60))).agg(count().as("windows"), sum(col("n")).as("n"), sum(col("total")).as("total"))
            .select(col("window.start").as("minute"), col("windows"), col("n"), col("total"))
        keys = []
    case .append:
        result = rows
        keys = []
    case .update:
        result = rows.withWatermark("ts", delay: .seconds(10))
            .groupBy(window(col("ts"), .seconds(10)), col("sensor"))
            .agg(count().as("n"), sum(col("value")).as("total"))
        keys = ["window_start", "sensor"]
    case .complete:
        result = rows.groupBy(col("sensor")).agg(count().as("n"), sum(col("value")).as("total"))
        keys = []
    }
    let query = try result.writeStream
        .format(sinkFormat(target, table: table, keys: keys))
        .outputMode(mode)
        .checkpointLocation(checkpoint)
        .trigger(.availableNow)
        .start()
    try query.awaitTermination()
} catch {
    fail("sluice-sql-torture: \(error)")
}
