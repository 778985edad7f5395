// A stream-stream join over a long run: events per CPU-second, and the join's state staying
// bounded by the watermark. Ad impressions joined with their clicks (left outer: an impression
// without a click within a minute comes out with nulls once the watermark passes it), as in
// Spark's programming guide. Measure in release mode:
//
//   swift build -c release --product sluice-join-bench
//   B=$(swift build -c release --show-bin-path)/sluice-join-bench
//   $B generate /tmp/jb 200 20000    # 200 batches of 20,000 impressions (and 10 % clicks)
//   $B run /tmp/jb                    # one file per input per batch; prints state per batch
//
// Event time advances 1 s per 1,000 impressions; a click comes 0–59 s after its impression.
// Watermarks: impressions 10 s, clicks 20 s; the condition keeps an impression at most until
// the click watermark passes impressionTime + 1 minute, so the state should level off at
// about (60 s + 20 s + one batch's 20 s) × 1,000 impressions plus the clicks of that span.
import Foundation
import Logging
import Streaming

let impressionSchema = Schema([Field("impAdId", .int64), Field("impTime", .timestamp), Field("campaign", .string)])
let clickSchema = Schema([Field("clickAdId", .int64), Field("clickTime", .timestamp), Field("clickCost", .double)])
let start = Timestamps.make(year: 2026, month: 11, day: 1)

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

/// `batches` files per input; impression ids rise, clicks for every 10th impression.
func generate(_ root: String, batches: Int, perBatch: Int) throws {
    var rng = SplitMix64(seed: 42)
    try FileSystem.createDirectory(FilePaths.join(root, "impressions"))
    try FileSystem.createDirectory(FilePaths.join(root, "clicks"))
    var pendingClicks: [(at: Int64, line: String)] = []
    for b in 0..<batches {
        var imps = ""
        imps.reserveCapacity(perBatch * 90)
        for i in 0..<perBatch {
            let id = Int64(b * perBatch + i)
            let t = start + id * 1000  // 1,000 impressions per second
            imps += #"{"impAdId":\#(id),"impTime":"\#(Timestamps.format(t))","campaign":"c\#(id % 50)"}"# + "\n"
            if id % 10 == 0 {
                let ct = t + Int64(rng.next() % 59_000_000)
                pendingClicks.append((ct, #"{"clickAdId":\#(id),"clickTime":"\#(Timestamps.format(ct))","clickCost":\#(Double(id % 7) * 0.25)}"#))
            }
        }
        // Clicks arrive in event-time order up to the newest impression time.
        let now = start + Int64((b + 1) * perBatch) * 1000
        pendingClicks.sort { $0.at < $1.at }
        let due = pendingClicks.prefix { $0.at <= now }
        pendingClicks.removeFirst(due.count)
        let name = String(format: "part-%05d.jsonl", b)
        try DurableFile.writeNew(FilePaths.join(root, "impressions", name), Array(imps.utf8))
        try DurableFile.writeNew(FilePaths.join(root, "clicks", name), Array(due.map { $0.line + "\n" }.joined().utf8))
    }
}

/// Every progress record (a query keeps only its last 100).
final class Collector: StreamingQueryListener, @unchecked Sendable {
    private let lock = NSLock()
    private var records: [StreamingQueryProgress] = []
    func onQueryProgress(_ progress: StreamingQueryProgress) { lock.withLock { records.append(progress) } }
    var all: [StreamingQueryProgress] { lock.withLock { records } }
}

func run(_ root: String) throws {
    let session = StreamingSession()
    var quiet = session.streams.logger
    quiet.logLevel = .warning
    session.streams.logger = quiet
    let collector = Collector()
    session.streams.addListener(collector)
    let impressions = try session.readStream.schema(impressionSchema).option(.maxFilesPerTrigger(1)).load(FilePaths.join(root, "impressions"))
        .withWatermark("impTime", delay: .seconds(10))
    let clicks = try session.readStream.schema(clickSchema).option(.maxFilesPerTrigger(1)).load(FilePaths.join(root, "clicks"))
        .withWatermark("clickTime", delay: .seconds(20))
    let joined = impressions.join(
        clicks, on: col("clickAdId") == col("impAdId") && col("clickTime").between(col("impTime"), col("impTime") + .minutes(1)),
        type: .leftOuter)
    let checkpoint = FilePaths.join(root, "checkpoint-\(UUID().uuidString.prefix(8))")
    let cpu0 = cpuSeconds()
    let wall0 = ContinuousClock.now
    let query = try joined.writeStream.foreachBatch { _, _ in }.checkpointLocation(checkpoint).trigger(.availableNow).start()
    try query.awaitTermination()
    let cpu = cpuSeconds() - cpu0
    let wall = (ContinuousClock.now - wall0)
    let progress = collector.all
    let input = progress.map(\.numInputRows).reduce(0, +)
    let output = progress.map(\.sink.numOutputRows).reduce(0, +)
    print("batch  input  output  stateRows  stateMiB")
    for p in progress where p.batchId % max(1, Int64(progress.count / 20)) == 0 || p.batchId == progress.last?.batchId {
        let s = p.stateOperators.first
        print(String(format: "%5d  %6d  %6d  %9d  %8.1f", p.batchId, p.numInputRows, p.sink.numOutputRows, s?.numRowsTotal ?? 0,
            Double(s?.memoryUsedBytes ?? 0) / 1_048_576))
    }
    let maxState = progress.compactMap { $0.stateOperators.first?.numRowsTotal }.max() ?? 0
    print(String(format: "events %d  output rows %d  batches %d  CPU %.2f s  wall %.2f s  events per CPU-second %.0f  max state rows %d",
        input, output, progress.count, cpu, Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
        Double(input) / cpu, maxState))
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "generate" where args.count == 4:
    try generate(args[1], batches: Int(args[2])!, perBatch: Int(args[3])!)
case "run" where args.count == 2:
    try run(args[1])
default:
    print("usage: sluice-join-bench generate DIR BATCHES PER_BATCH | run DIR")
    exit(2)
}
