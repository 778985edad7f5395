// Release-mode benchmarks of Sluice's parts and of the YSB query end to end
// (`Benchmarks/run.sh` runs them all, with DuckDB, in one sitting).
//
//   swift run -c release ysb-generate --out /tmp/ysb --events 1000000 --files 10
//   swift run -c release sluice-bench ysb /tmp/ysb          # FILES_PER_TRIGGER=10 for 10 files a batch
//   swift run -c release sluice-bench operators /tmp/ysb
//   swift run -c release sluice-bench json-scan-3 /tmp/ysb
import Foundation
import Streaming
import YSBWorkload

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

AllocatorTuning.keepFreedMemory()
/// Parses every file with `schema` on one thread and prints throughput per core.
func jsonScan(label: String, schema: Schema) throws {
    let reader = JSONLinesReader(schema: schema, options: ReaderOptions(corruptRecordColumn: nil))
    var bytes: Int64 = 0, rows = 0
    let cpu0 = cpuSeconds()
    let t = try seconds {
        for f in files {
            let r = try reader.read(path: f)
            bytes += r.bytes
            rows += r.batch.rowCount
        }
    }
    let cpu = cpuSeconds() - cpu0
    print(String(format: "%@: %d rows, %.1f MB in %.2f s wall, %.2f s CPU: %.0f MB/s per core, %.2f M rows/s per core", label, rows, Double(bytes) / 1e6, t, cpu, Double(bytes) / 1e6 / cpu, Double(rows) / 1e6 / cpu))
}

let args = CommandLine.arguments.dropFirst()
guard let mode = args.first, let data = args.dropFirst().first else {
    print("usage: sluice-bench ysb|pipeline|operators|json-scan|json-scan-3 <ysb data dir>")
    exit(2)
}
let events = FilePaths.join(data, "events")
let campaigns = FilePaths.join(data, "campaigns.jsonl")
let filesPerTrigger = Int(ProcessInfo.processInfo.environment["FILES_PER_TRIGGER"] ?? "1")

/// Every batch's progress (a query's `recentProgress` keeps only the last 100).
final class ProgressRecorder: StreamingQueryListener, @unchecked Sendable {
    private let lock = NSLock()
    private var all: [StreamingQueryProgress] = []
    func onQueryProgress(_ p: StreamingQueryProgress) { lock.withLock { all.append(p) } }
    var batches: [StreamingQueryProgress] { lock.withLock { all } }
}

func percentile(_ sorted: [Int64], _ p: Int) -> Int64 { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * p / 100)] }

/// Runs the YSB query to the end of the backlog and prints its throughput, batch latency and,
/// for a durable sink, the checkpoint and commit work per batch.
func runQuery(label: String, delta: Bool) throws {
    let session = StreamingSession()
    let recorder = ProgressRecorder()
    session.streams.addListener(recorder)
    let stream = try YSBQuery.build(session: session, events: events, campaigns: campaigns, maxFilesPerTrigger: filesPerTrigger)
    let cp = FilePaths.join(NSTemporaryDirectory(), "sluice-bench-\(UUID().uuidString)")
    let table = FilePaths.join(NSTemporaryDirectory(), "sluice-bench-table-\(UUID().uuidString)")
    defer {
        try? FileSystem.removeTree(cp)
        try? FileSystem.removeTree(table)
    }
    let sink: SinkFormat = delta ? .delta(table) : .memory("ysb-\(UUID().uuidString)")
    let cpu0 = cpuSeconds()
    let t = try seconds {
        try stream.writeStream.format(sink).outputMode(.append).checkpointLocation(cp).trigger(.availableNow).start().awaitTermination()
    }
    let cpu = cpuSeconds() - cpu0
    let batches = recorder.batches
    let input = batches.reduce(0) { $0 + $1.numInputRows }
    let withData = batches.filter { $0.numInputRows > 0 }
    let latency = withData.map { $0.durationMs["triggerExecution"] ?? 0 }.sorted()
    // Offsets write, state commit, sink commit, commits/N: what exactly-once costs per batch.
    let overhead = withData.map { p in ["walCommit", "stateCommit", "addBatch", "commitOffsets"].reduce(0) { $0 + (p.durationMs[$1] ?? 0) } }.sorted()
    print(String(format: "%@: %lld events, %d batches (%d files each), %.2f s wall, %.2f s CPU: %.2f M events/s wall, %.2f M events per CPU-second; batch p50 %lld ms, p99 %lld ms; checkpoint+commit p50 %lld ms; peak RSS %.0f MiB",
        label, input, batches.count, filesPerTrigger ?? 0, t, cpu, Double(input) / 1e6 / t, Double(input) / 1e6 / cpu,
        percentile(latency, 50), percentile(latency, 99), percentile(overhead, 50), peakRSSMiB()))
}

/// Filter, join and windowed count over batches parsed beforehand, on one core: the operators alone.
func operators() throws {
    let schema = Schema([Field("ad_id", .string), Field("event_type", .string), Field("event_time", .timestamp)])
    let reader = JSONLinesReader(schema: schema, options: ReaderOptions(corruptRecordColumn: nil))
    let batches = try files.map { try reader.read(path: $0).batch }
    let table = try JSONLinesReader(schema: YSBQuery.campaignSchema, options: ReaderOptions(mode: .failFast, corruptRecordColumn: nil)).read(path: campaigns).batch
    let filter = try FilterOperator(predicate: col("event_type") == "view", input: schema, keep: ["ad_id", "event_time"])
    let join = try HashJoinOperator(stream: filter.outputSchema, staticTable: table, on: ["ad_id"], outputs: ["event_time", "campaign_id"])
    let stateDir = FilePaths.join(NSTemporaryDirectory(), "sluice-bench-state-\(UUID().uuidString)")
    defer { try? FileSystem.removeTree(stateDir) }
    let aggregate = try StreamingAggregation(
        keys: [col("campaign_id")], window: window(col("event_time"), .seconds(10)), aggregates: [count()], input: join.outputSchema,
        eventTimeColumn: "event_time", mode: .append, operatorId: 0,
        stateProvider: { try FileStateStoreProvider(checkpointRoot: stateDir, operatorId: 0, keySchema: $0, valueSchema: $1, configuredPartitions: 1) })
    // State is loaded but never committed: this times the operators, not the state store's files.
    let context = StatefulContext(batchId: 0, watermarkForLateEvents: nil, watermarkForEviction: nil)
    let rows = batches.reduce(0) { $0 + $1.rowCount }
    var joined = 0
    let cpu0 = cpuSeconds()
    let t = try seconds {
        for b in batches {
            let j = try join.process(try filter.process(b))
            joined += j.rowCount
            _ = try aggregate.process(j, context: context)
        }
    }
    let cpu = cpuSeconds() - cpu0
    print(String(format: "operators (filter, join, windowed count; one core): %d rows in, %d joined, %.2f s wall, %.2f s CPU: %.2f M rows/s",
        rows, joined, t, cpu, Double(rows) / 1e6 / cpu))
}
let files = try FileSystem.list(events).filter { !$0.hasPrefix(".") }.sorted().map { FilePaths.join(events, $0) }

switch mode {
case "json-scan":
    try jsonScan(label: mode, schema: YSBQuery.eventSchema)
case "json-scan-3":
    // The pruned schema a planner passes for the YSB query: 3 of the 7 fields.
    try jsonScan(label: mode, schema: Schema([Field("ad_id", .string), Field("event_type", .string), Field("event_time", .timestamp)]))
case "ysb":
    try runQuery(label: "ysb (Delta sink)", delta: true)
case "pipeline":
    try runQuery(label: "pipeline (memory sink)", delta: false)
case "operators":
    try operators()
default:
    print("unknown mode \(mode)")
    exit(2)
}
