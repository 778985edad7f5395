// What logging and metrics cost the YSB query (issue 14: under 2 % of events per CPU-second).
//
//   swift run -c release ysb-generate --out /tmp/ysb --events 2000000 --files 20
//   swift run -c release service-overhead-bench /tmp/ysb 5 2>/tmp/ysb-log.jsonl
//
// Alternates two runs of the query to the end of the backlog (Delta sink, one 100k-event file
// per batch), `rounds` times each: "bare" with the engine's log sent to a no-op handler and
// no metrics listener; "observed" with the log at info as JSON lines on standard error and
// the Prometheus metrics listener, scraped every 100 ms. Prints events per CPU-second of each
// run and the medians. Also times the per-batch work alone (log lines and metrics update for
// one progress record), which does not depend on the machine's noise.
import Foundation
import Logging
import Observability
import Streaming
import YSBWorkload

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

final class Recorder: StreamingQueryListener, @unchecked Sendable {
    private let lock = NSLock()
    private var all: [StreamingQueryProgress] = []
    func onQueryProgress(_ p: StreamingQueryProgress) { lock.withLock { all.append(p) } }
    var batches: [StreamingQueryProgress] { lock.withLock { all } }
}

let args = CommandLine.arguments.dropFirst()
guard let data = args.first else {
    print("usage: service-overhead-bench <ysb data dir> [rounds]")
    exit(2)
}
let rounds = Int(args.dropFirst().first ?? "5") ?? 5
AllocatorTuning.keepFreedMemory()

/// Runs the query once; returns events per CPU-second and the progress records.
func run(observed: Bool) throws -> (rate: Double, batches: [StreamingQueryProgress]) {
    let session = StreamingSession()
    let recorder = Recorder()
    session.streams.addListener(recorder)
    var scraping = false
    let metrics = ServiceMetrics()
    if observed {
        session.streams.logger = Logger(label: "sluice") { JSONLogHandler(label: $0) }
        session.streams.addListener(metrics.listener)
        scraping = true
    } else {
        session.streams.logger = Logger(label: "sluice") { _ in SwiftLogNoOpLogHandler() }
    }
    let stop = NSCondition()
    if scraping {
        Thread.detachNewThread {
            stop.lock()
            while !stop.wait(until: Date().addingTimeInterval(0.1)) {
                stop.unlock()
                _ = metrics.exposition()
                stop.lock()
            }
            stop.unlock()
        }
    }
    let stream = try YSBQuery.build(
        session: session, events: FilePaths.join(data, "events"), campaigns: FilePaths.join(data, "campaigns.jsonl"), maxFilesPerTrigger: 1)
    let cp = FilePaths.join(NSTemporaryDirectory(), "sluice-overhead-\(UUID().uuidString)")
    let table = FilePaths.join(NSTemporaryDirectory(), "sluice-overhead-table-\(UUID().uuidString)")
    defer {
        try? FileSystem.removeTree(cp)
        try? FileSystem.removeTree(table)
    }
    let cpu0 = cpuSeconds()
    try stream.writeStream.format(.delta(table)).outputMode(.append).checkpointLocation(cp).trigger(.availableNow).start().awaitTermination()
    let cpu = cpuSeconds() - cpu0
    if scraping {
        stop.lock()
        stop.signal()
        stop.unlock()
    }
    let batches = recorder.batches
    return (Double(batches.reduce(0) { $0 + $1.numInputRows }) / cpu, batches)
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

var bare: [Double] = [], observed: [Double] = []
var sample: [StreamingQueryProgress] = []
for round in 0..<rounds {
    // Alternate which goes first, so a drift in the machine's load hits both alike.
    for mode in round % 2 == 0 ? [false, true] : [true, false] {
        let r = try run(observed: mode)
        if mode { observed.append(r.rate) } else { bare.append(r.rate) }
        sample = r.batches
        print(String(format: "round %d %@: %.3f M events per CPU-second (%d batches)", round, mode ? "observed" : "bare   ", r.rate / 1e6, r.batches.count))
    }
}
let b = median(bare), o = median(observed)
print(String(format: "median bare %.3f M, observed %.3f M events per CPU-second: observed is %.2f %% %@",
    b / 1e6, o / 1e6, abs(1 - o / b) * 100, o <= b ? "slower" : "faster"))

// The per-batch work on its own: logging a progress record as JSON and folding it into the metrics.
let metrics = ServiceMetrics()
metrics.listener.onQueryStarted(id: "q", runId: "r", name: "ysb")
let out = LogOutput(capturing: true)
let logger = Logger(label: "sluice") { JSONLogHandler(label: $0, output: out) }
let repeats = 20_000
let records = (0..<repeats).map { sample[$0 % sample.count] }
let cpu0 = cpuSeconds()
for p in records {
    metrics.listener.onQueryProgress(p)
    // What the engine's batch line carries (YSB has no late, malformed or changed input to warn of).
    logger.info(
        "batch \(p.batchId): \(p.numInputRows) rows in \(p.durationMs["triggerExecution"] ?? 0) ms, watermark \(p.eventTime["watermark"] ?? "")",
        metadata: [
            "batch": "\(p.batchId)", "rows": "\(p.numInputRows)", "outputRows": "\(p.sink.numOutputRows)",
            "durationMs": "\(p.durationMs["triggerExecution"] ?? 0)", "watermark": "\(p.eventTime["watermark"] ?? "")",
            "query": "ysb", "runId": "\(p.runId)",
        ])
}
let perBatch = (cpuSeconds() - cpu0) / Double(repeats)
let batchCPU = 1 / b * Double(sample.first { $0.numInputRows > 0 }?.numInputRows ?? 0)
print(String(format: "per batch: %.1f µs of logging and metrics, against %.1f ms of CPU per 100k-event batch: %.3f %%",
    perBatch * 1e6, batchCPU * 1e3, perBatch / batchCPU * 100))
let scrapes = 1000
let cpu1 = cpuSeconds()
for _ in 0..<scrapes { _ = metrics.exposition() }
print(String(format: "per scrape of /metrics (one query): %.1f µs", (cpuSeconds() - cpu1) / Double(scrapes) * 1e6))
