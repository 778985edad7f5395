// Peak memory and time of a backfill (`replay(from:to:)`) over many days of log files.
// Measure in release mode with /usr/bin/time -v (maximum resident set size):
//
//   swift build -c release --product sluice-replay-bench
//   B=$(swift build -c release --show-bin-path)/sluice-replay-bench
//   $B generate /tmp/rb 10 8 40000                  # 10 days x 8 files x 40,000 rows, date=YYYY-MM-DD/
//   /usr/bin/time -v $B replay /tmp/rb stateless 3 6  # replay days 3..5 (of 0..9)
//   /usr/bin/time -v $B replay /tmp/rb windowed 0 10  # every day, errors per service per minute
//   /usr/bin/time -v $B replay /tmp/rb stateless 0 10 16   # batches of 16 MiB of input
import Foundation
import Streaming

let schema = Schema([
    Field("ts", .timestamp), Field("level", .string), Field("service", .string), Field("user", .string),
    Field("latency_ms", .int64), Field("message", .string), Field("date", .date),
])
let firstDay = Timestamps.make(year: 2026, month: 10, day: 1)
let levels = ["INFO", "INFO", "INFO", "WARN", "ERROR"]

/// `days` directories `date=YYYY-MM-DD/` of `files` JSON-lines files of `rows` rows, event times rising.
func generate(_ root: String, days: Int, files: Int, rows: Int) throws {
    var rng = SystemRandomNumberGenerator()
    for d in 0..<days {
        let day = firstDay + Int64(d) * Timestamps.microsPerDay
        let dir = FilePaths.join(root, "date=\(Dates.format(Int32(day / Timestamps.microsPerDay)))")
        try FileSystem.createDirectory(dir)
        for f in 0..<files {
            var text = ""
            text.reserveCapacity(rows * 160)
            for r in 0..<rows {
                let ts = day + (Int64(f) * Int64(rows) + Int64(r)) * (Timestamps.microsPerDay / Int64(files * rows))
                let level = levels[Int.random(in: 0..<levels.count, using: &rng)]
                text += #"{"ts":"\#(Timestamps.format(ts))","level":"\#(level)","service":"svc-\#(r % 17)","user":"user-\#(Int.random(in: 0..<5000, using: &rng))","latency_ms":\#(Int.random(in: 1..<2000, using: &rng)),"message":"request handled in a while, nothing to see here \#(r)"}"#
                text += "\n"
            }
            try DurableFile.writeNew(FilePaths.join(dir, "part-\(f).jsonl"), Array(text.utf8))
        }
    }
}

func query(_ root: String, windowed: Bool) throws -> DataStream {
    let logs = try StreamingSession().readStream.schema(schema).load(root)
    guard windowed else {
        return logs.filter(col("level") == "ERROR" || col("latency_ms") > 1500).withColumn("date", toDate(col("ts")))
    }
    return logs
        .withWatermark("ts", delay: .minutes(10))
        .filter(col("level") == "ERROR")
        .groupBy(window(col("ts"), .minutes(1)), col("service"))
        .agg(count().as("errors"), max(col("latency_ms")).as("worst_ms"))
        .withColumn("date", toDate(col("window_start")))
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "generate" where args.count == 5:
    try generate(FilePaths.join(args[1], "in"), days: Int(args[2])!, files: Int(args[3])!, rows: Int(args[4])!)
case "replay" where args.count == 5 || args.count == 6:
    let root = FilePaths.join(args[1], "in")
    let table = FilePaths.join(args[1], "table-\(args[2])-\(UUID().uuidString.prefix(8))")
    let from = firstDay + Int64(args[3])! * Timestamps.microsPerDay
    let to = firstDay + Int64(args[4])! * Timestamps.microsPerDay
    var options = ReplayOptions()
    if args.count == 6 { options.maxBytesPerBatch = Int64(args[5])! << 20 }
    let start = ContinuousClock.now
    let r = try query(root, windowed: args[2] == "windowed").writeStream.format(.delta(table, partitionBy: ["date"]))
        .replay(from: from, to: to, eventTime: "ts", options: options)
    print("input rows \(r.inputRows), output rows \(r.outputRows), files added \(r.filesAdded), \(ContinuousClock.now - start)")
    try? FileSystem.removeTree(table)
default:
    print("usage: sluice-replay-bench generate <dir> <days> <files per day> <rows per file> | replay <dir> stateless|windowed <first day> <end day> [batch MiB]")
    exit(2)
}
