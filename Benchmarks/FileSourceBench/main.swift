// Release-mode measurements of the file source under long runs (Benchmarks/RESULTS.md,
// "File source: start time and first batch").
//
//   swift run -c release file-source-bench start-time <work> <live files> [<files per entry>]
//       a source log as a query leaves it after a year at one batch per second: the newest
//       compact file (entry 31 535 999) holding <live files>, then nine plain entries; times
//       opening the source on it (what a restart does) and reports peak RSS.
//   swift run -c release file-source-bench legacy-start-time <work> <entries> [<files per entry>]
//       the log as it was before compaction: one plain entry per batch, every one read at start.
//   swift run -c release file-source-bench open <work> 0
//       times opening the source on the log a previous run left in <work>.
//   swift run -c release file-source-bench first-batch <work> <files> [default|unlimited]
//       <files> small JSON-lines files, then one availableNow query over them with the default
//       admission limit or none; run under /usr/bin/time -v for peak RSS.
import Foundation
import Streaming
import Synchronization

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// `v1`, the lines, and the `#xxh64:` checksum line: the format of every source log file.
func sealed(_ lines: [UInt8]) -> [UInt8] {
    let body = Array("v1\n".utf8) + lines
    let hex = String(StableHash.xxHash64(body), radix: 16)
    return body + Array("#xxh64:\(String(repeating: "0", count: 16 - hex.count))\(hex)\n".utf8)
}

func path(entry: Int64, file: Int) -> String {
    let day = 1 + Int(entry / 86_400) % 28
    return "date=2026-11-\(day < 10 ? "0" : "")\(day)/part-\(entry)-\(file).jsonl"
}

func plainEntry(_ id: Int64, files: Int) -> [UInt8] {
    var lines: [UInt8] = []
    for f in 0..<files {
        lines += Array(#"{"modifiedMillis":\#(1_790_000_000_000 + id * 1000),"path":"\#(path(entry: id, file: f))","size":4096}"#.utf8) + [10]
    }
    return sealed(lines)
}

func openSource(root: String, log: String) throws -> FileStreamSource {
    try FileStreamSource(root: root, dataSchema: Schema([Field("id", .int64)]), options: FileSourceOptions(), metadataPath: log) {
        JSONLinesReader(schema: $0)
    }
}

func timeStart(root: String, log: String) throws {
    var times: [Double] = []
    var opened: FileStreamSource?
    for _ in 0..<3 {
        opened = nil  // freeing the previous run's memory is not part of a start
        times.append(try seconds { opened = try openSource(root: root, log: log) })
    }
    withExtendedLifetime(opened) {}
    print(String(format: "start: %.3f s (best of 3; runs %@), peak RSS %.0f MiB", times.min()!, times.map { String(format: "%.3f", $0) }.joined(separator: " "), peakRSSMiB()))
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 3 else {
    print("usage: file-source-bench start-time|legacy-start-time|first-batch <work> <count> [...]")
    exit(2)
}
let work = args[1], total = Int(args[2])!
let root = FilePaths.join(work, "in"), log = FilePaths.join(work, "log")

switch args[0] {
case "start-time":
    let perEntry = args.count > 3 ? Int(args[3])! : 3
    try? FileSystem.removeTree(work)
    try FileSystem.createDirectory(root)
    try FileSystem.createDirectory(log)
    let compactId: Int64 = 31_535_999
    var body: [UInt8] = []
    body.reserveCapacity(total * 64)
    let entries = Int64(total / perEntry)
    for e in 0..<entries {
        let id = compactId - entries + 1 + e
        for f in 0..<perEntry {
            body += Array("\(id)\t4096\t\(1_790_000_000_000 + id * 1000)\t\(path(entry: id, file: f))\n".utf8)
        }
    }
    let compact = sealed(body)
    try DurableFile.writeAtomically(FilePaths.join(log, "\(compactId).compact"), compact)
    for id in compactId + 1...compactId + 9 { try DurableFile.writeNew(FilePaths.join(log, String(id)), plainEntry(id, files: perEntry), sync: false) }
    print("log: compact file of \(total) files (\(compact.count / 1_048_576) MiB) + 9 entries")
    try timeStart(root: root, log: log)
    // The next entry is a compaction: it rewrites the compact file with every remembered file.
    let source = try openSource(root: root, log: log)
    try DurableFile.writeNew(FilePaths.join(root, "new.jsonl"), Array("{\"id\":1}\n".utf8))
    let compaction = try seconds { _ = try source.latestOffset(start: SourceOffset(json: #"{"logOffset":\#(compactId + 9)}"#), limit: .all) }
    print(String(format: "next batch (a compaction): %.3f s", compaction))
case "open":
    try timeStart(root: root, log: log)
case "legacy-start-time":
    let perEntry = args.count > 3 ? Int(args[3])! : 3
    if !FileSystem.exists(FilePaths.join(log, String(total - 1))) {
        try? FileSystem.removeTree(work)
        try FileSystem.createDirectory(root)
        try FileSystem.createDirectory(log)
        for id in 0..<Int64(total) { try DurableFile.writeNew(FilePaths.join(log, String(id)), plainEntry(id, files: perEntry), sync: false) }
    }
    print("log: \(total) plain entries of \(perEntry) files")
    try timeStart(root: root, log: log)
case "first-batch":
    let unlimited = args.count > 3 && args[3] == "unlimited"
    if !FileSystem.exists(FilePaths.join(root, "f\(total - 1).jsonl")) {
        try? FileSystem.removeTree(work)
        try FileSystem.createDirectory(root)
        for f in 0..<total {
            let lines = (0..<2).map { #"{"id":\#(f * 2 + $0),"level":"INFO","service":"api","latency_ms":\#(f % 500)}"# }
            try DurableFile.writeNew(FilePaths.join(root, "f\(f).jsonl"), Array((lines.joined(separator: "\n") + "\n").utf8), sync: false)
        }
    }
    try? FileSystem.removeTree(FilePaths.join(work, "cp"))
    let schema = Schema([Field("id", .int64), Field("level", .string), Field("service", .string), Field("latency_ms", .int64)])
    var reader = StreamingSession().readStream.schema(schema)
    if unlimited { reader = reader.option(.maxFilesPerTrigger(Int.max)) }
    let rows = Mutex(0)
    var batches = 0
    let t = try seconds {
        let q = try reader.load(root)
            .groupBy(col("service")).agg(count().as("n"), max(col("latency_ms")).as("worst"))
            .writeStream.outputMode(.complete).foreachBatch { _, b in rows.withLock { $0 = b.rowCount } }
            .checkpointLocation(FilePaths.join(work, "cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        batches = q.recentProgress.count
        for p in q.recentProgress.prefix(1) { print("first batch: \(p.numInputRows) rows, \(p.durationMs["triggerExecution"] ?? 0) ms") }
    }
    print(String(format: "%d files, %@ limit: %d batches in %.2f s, peak RSS %.0f MiB", total, unlimited ? "no" : "default", batches, t, peakRSSMiB()))
default:
    print("unknown mode \(args[0])")
    exit(2)
}
