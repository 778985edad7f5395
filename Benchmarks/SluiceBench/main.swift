// Release-mode benchmarks of Sluice's parts and of the YSB query end to end.
//
//   swift run -c release ysb-generate --out /tmp/ysb --events 1000000 --files 10
//   swift run -c release sluice-bench pipeline /tmp/ysb
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
    print("usage: sluice-bench json-scan|json-scan-3|pipeline <ysb data dir>")
    exit(2)
}
let events = FilePaths.join(data, "events")
let files = try FileSystem.list(events).filter { !$0.hasPrefix(".") }.sorted().map { FilePaths.join(events, $0) }

switch mode {
case "json-scan":
    try jsonScan(label: mode, schema: YSBQuery.eventSchema)
case "json-scan-3":
    // The pruned schema a planner passes for the YSB query: 3 of the 7 fields.
    try jsonScan(label: mode, schema: Schema([Field("ad_id", .string), Field("event_type", .string), Field("event_time", .timestamp)]))
case "pipeline":
    let session = StreamingSession()
    let stream = try YSBQuery.build(session: session, events: events, campaigns: FilePaths.join(data, "campaigns.jsonl"), maxFilesPerTrigger: Int(ProcessInfo.processInfo.environment["FILES_PER_TRIGGER"] ?? "1"))
    let sink = MemorySink(name: "ysb")
    let cp = FilePaths.join(NSTemporaryDirectory(), "sluice-bench-\(UUID().uuidString)")
    let cpu0 = cpuSeconds()
    var q: StreamingQuery!
    let t = try seconds {
        q = try stream.writeStream.format(.custom(sink)).checkpointLocation(cp).trigger(.availableNow).start()
        try q.awaitTermination()
    }
    let cpu = cpuSeconds() - cpu0
    let input = q.recentProgress.reduce(0) { $0 + $1.numInputRows }
    let lat = q.recentProgress.filter { $0.numInputRows > 0 }.map { $0.durationMs["triggerExecution"] ?? 0 }.sorted()
    print(String(format: "pipeline (memory sink): %lld events, %d batches, %.2f s wall, %.2f s CPU: %.2f M events/s wall, %.2f M events per CPU-second; batch p50 %lld ms, p99 %lld ms; peak RSS %.0f MiB; %d output rows",
        input, q.recentProgress.count, t, cpu, Double(input) / 1e6 / t, Double(input) / 1e6 / cpu, lat[lat.count / 2], lat[min(lat.count - 1, lat.count * 99 / 100)], peakRSSMiB(), sink.rows.count))
    try FileSystem.removeTree(cp)
default:
    print("unknown mode \(mode)")
    exit(2)
}
