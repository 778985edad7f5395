// The log pipeline benchmark (issue 15): generated service logs ingested by streaming queries
// into a date-partitioned Delta table that auto-compaction clusters, then the log dump and the
// error chart. Release mode only; `Benchmarks/logs.sh` runs every step and DuckDB beside it.
//
//   B=$(swift build -c release --show-bin-path)/sluice-logs-bench
//   $B generate /data/logs 30 1000000000      # raw/: 30 days x 24 hourly .jsonl.zst files, ~1 GB of JSON per day
//   $B ingest /data/logs                      # streaming queries: raw table + errors per minute
//   $B dump /data/logs cust-0137 svc-07 "2026-11-15 13:00" "2026-11-15 16:00" America/New_York 5
//   $B chart /data/logs "2026-11-15 00:00" "2026-11-16 00:00" America/New_York 5
import Dispatch
import Synchronization
import Foundation
import Streaming

let firstDay = Timestamps.make(year: 2026, month: 11, day: 1)
let customers = 300
let services = 30
let rawSchema = Schema([
    Field("ts", .timestamp), Field("customer", .string), Field("service", .string), Field("level", .string),
    Field("host", .string), Field("latency_ms", .int64), Field("status", .int64), Field("message", .string),
])
let verbs = ["GET", "GET", "GET", "POST", "PUT", "DELETE"]
let paths = ["/api/v1/orders", "/api/v1/items", "/api/v1/users", "/api/v2/search", "/healthz", "/api/v1/cart"]

func elapsed(_ start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

/// One hour of logs as JSON lines, event times rising; about `bytes` bytes.
func hourOfLogs(day: Int, hour: Int, bytes: Int) -> [UInt8] {
    var rng = SplitMix64(seed: UInt64(day * 24 + hour) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
    let lines = bytes / 236
    let start = firstDay + Int64(day) * Timestamps.microsPerDay + Int64(hour) * Timestamps.microsPerHour
    let step = Timestamps.microsPerHour / Int64(lines)
    var out: [UInt8] = []
    out.reserveCapacity(bytes + bytes / 8)
    for i in 0..<lines {
        let ts = start + Int64(i) * step + Int64(rng.next() % UInt64(step))
        let c = Int(rng.next() % UInt64(customers)), s = Int(rng.next() % UInt64(services))
        let roll = rng.next() % 100
        let level = roll < 2 ? "ERROR" : roll < 10 ? "WARN" : "INFO"
        let status = level == "ERROR" ? 500 : level == "WARN" ? 429 : 200
        let latency = Int(rng.next() % 2000)
        let id = rng.next() % 1_000_000
        let line = #"{"ts":"\#(Timestamps.format(ts))","customer":"cust-\#(pad(c, 4))","service":"svc-\#(pad(s, 2))","level":"\#(level)","host":"ip-10-0-\#(rng.next() % 64)-\#(rng.next() % 250)","latency_ms":\#(latency),"status":\#(status),"message":"\#(verbs[Int(rng.next() % 6)]) \#(paths[Int(rng.next() % 6)])/\#(id) finished in \#(latency) ms for user \#(rng.next() % 100_000) trace \#(String(rng.next(), radix: 16))"}"#
        out.append(contentsOf: line.utf8)
        out.append(10)
    }
    return out
}

func pad(_ v: Int, _ w: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, w - s.count)) + s
}

func generate(_ root: String, days: Int, bytesPerDay: Int) throws {
    let raw = FilePaths.join(root, "raw")
    try FileSystem.createDirectory(raw)
    let started = DispatchTime.now()
    let failure = Mutex<Error?>(nil)
    let totals = Mutex<(json: Int, stored: Int)>((0, 0))
    DispatchQueue.concurrentPerform(iterations: days * 24) { job in
        let day = job / 24, hour = job % 24
        do {
            let json = hourOfLogs(day: day, hour: hour, bytes: bytesPerDay / 24)
            let packed = try Zstd.compress(json, level: 1)
            let name = "logs-\(Dates.format(Int32(firstDay / Timestamps.microsPerDay) + Int32(day)))T\(pad(hour, 2)).jsonl.zst"
            try DurableFile.writeNew(FilePaths.join(raw, "." + name + ".tmp"), packed)
            try FileSystem.rename(FilePaths.join(raw, "." + name + ".tmp"), FilePaths.join(raw, name))
            totals.withLock { $0 = ($0.json + json.count, $0.stored + packed.count) }
        } catch {
            failure.withLock { $0 = error }
        }
    }
    if let e = failure.withLock({ $0 }) { throw e }
    let t = totals.withLock { $0 }
    print("generated \(days) days: \(t.json) bytes of JSON (\(t.json / days) per day) stored as \(t.stored) bytes of zstd in \(String(format: "%.1f", elapsed(started))) s")
}

let rawLayout = DeltaLayout(clustering: .zOrder(["customer", "service", "ts"]), targetFileSize: 256 << 20, rowGroupRows: 16_384, minFiles: 8)

func ingest(_ root: String, filesPerBatch: Int) throws {
    let session = StreamingSession()
    func logs() throws -> DataStream {
        try session.readStream.format(.jsonLines).schema(rawSchema).option(.maxFilesPerTrigger(filesPerBatch)).load(FilePaths.join(root, "raw"))
    }
    var started = DispatchTime.now()
    let sink = DeltaSink(path: FilePaths.join(root, "tables/logs"), partitionBy: ["date"], configuration: [:], layout: rawLayout)
    let q = try logs().withColumn("date", toDate(col("ts")))
        .writeStream.format(.custom(sink)).checkpointLocation(FilePaths.join(root, "checkpoints/logs")).trigger(.availableNow).start()
    try q.awaitTermination()
    let compaction = sink.autoCompaction!
    print("raw table: \((q.lastProgress?.batchId ?? -1) + 1) batches in \(String(format: "%.1f", elapsed(started))) s; auto-compactions committed \(compaction.commits), lost races \(compaction.conflicts), failed \(compaction.failures)\(compaction.lastError.map { " (\($0))" } ?? "")")

    started = DispatchTime.now()
    let errors = DeltaSink(
        path: FilePaths.join(root, "tables/errors_per_minute"), partitionBy: ["date"], configuration: [:],
        layout: DeltaLayout(targetFileSize: 64 << 20, minFiles: 24))
    let q2 = try logs()
        .withWatermark("ts", delay: .minutes(10))
        .filter(col("level") == "ERROR")
        .groupBy(window(col("ts"), .minutes(1)), col("service"))
        .agg(count().as("errors"), max(col("latency_ms")).as("worst_ms"))
        .withColumn("date", toDate(col("window_start")))
        .writeStream.format(.custom(errors)).checkpointLocation(FilePaths.join(root, "checkpoints/errors_per_minute")).trigger(.availableNow).start()
    try q2.awaitTermination()
    print("errors_per_minute: \((q2.lastProgress?.batchId ?? -1) + 1) batches in \(String(format: "%.1f", elapsed(started))) s")
    try describe(FilePaths.join(root, "tables/logs"))
    try describe(FilePaths.join(root, "tables/errors_per_minute"))
}

func describe(_ path: String) throws {
    let snap = try DeltaTable(path: path).snapshot()
    let files = snap.addFiles
    let bytes = files.reduce(Int64(0)) { $0 + $1.size }
    let rows = files.reduce(Int64(0)) { $0 + ($1.numRecords ?? 0) }
    let clustered = files.filter { $0.tags?[DeltaClustering.tagKey] != nil }.count
    var groups = 0
    for f in files { groups += try ParquetFile(path: FilePaths.join(path, DeltaPartition.uriDecode(f.path))).rowGroups.count }
    print("\(path): version \(snap.version), \(files.count) files (\(clustered) in the layout), \(groups) row groups, \(rows) rows, \(bytes) bytes")
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

func dump(_ root: String, customer: String, service: String, from: String, to: String, zone: String, repeats: Int) throws {
    var times: [Double] = []
    var last: DeltaRangeScanStatistics?
    var rows = 0
    for _ in 0..<repeats {
        let started = DispatchTime.now()
        var d = try DeltaLogDump(
            table: DeltaTable(path: FilePaths.join(root, "tables/logs")), where: [("customer", customer), ("service", service)],
            from: from, to: to, timeZone: zone)
        let encoder = RowTextEncoder(format: .jsonLines, schema: d.schema)
        var out: [UInt8] = []
        rows = 0
        while let b = try d.next() {
            encoder.encode(b, into: &out)
            rows += b.rowCount
        }
        times.append(elapsed(started))
        last = d.statistics
    }
    print("dump \(customer)/\(service) \(from)..\(to) \(zone): \(rows) rows; first \(String(format: "%.3f", times[0])) s, median \(String(format: "%.3f", median(times))) s")
    print(last!.summary(elapsedSeconds: median(times)))
}

func chart(_ root: String, from: String, to: String, zone: String, repeats: Int) throws {
    let rules = try TimeZoneRules.named(zone)
    let start = try DeltaLogDump.parseLocal(from, in: rules, name: "from"), end = try DeltaLogDump.parseLocal(to, in: rules, name: "to")
    let dashboards = [
        ("errors_per_minute table", Dashboard(
            name: "errors-per-service", table: FilePaths.join(root, "tables/errors_per_minute"), timeColumn: "window_start",
            measure: .sum("errors"), seriesKey: "service", chart: .stackedBars, bucketMicros: Timestamps.microsPerMinute)),
        ("raw table, level = ERROR", Dashboard(
            name: "errors-from-raw", table: FilePaths.join(root, "tables/logs"), timeColumn: "ts", measure: .count, seriesKey: "service",
            chart: .stackedBars, filter: col("level") == "ERROR", bucketMicros: Timestamps.microsPerMinute)),
    ]
    var totals: [Double] = []
    for (label, d) in dashboards {
        var times: [Double] = []
        var series: DashboardSeries?
        for _ in 0..<repeats {
            let started = DispatchTime.now()
            let s = try d.series(from: start, to: end, timeZone: zone)
            _ = try JSONEncoder().encode(s)
            times.append(elapsed(started))
            series = s
        }
        let total = series!.series.reduce(0.0) { $0 + $1.values.reduce(0.0) { $0 + ($1 ?? 0) } }
        totals.append(total)
        let st = series!.statistics
        print("chart from \(label): \(series!.buckets.count) buckets x \(series!.series.count) series, \(Int(total)) errors; first \(String(format: "%.3f", times[0])) s, median \(String(format: "%.3f", median(times))) s; files \(st.filesRead) of \(st.filesConsidered), bytes read \(st.bytesRead)")
    }
    // Both charts count the same errors (the aggregate's windows are all final for past days).
    print("totals agree: \(totals[0] == totals[1])")
}

/// Rows read by a query, over all its batches (progress keeps the last 100 in memory).
func rowsRead(_ q: StreamingQuery) -> Int64 { q.recentProgress.reduce(Int64(0)) { $0 + $1.numInputRows } }

/// The dump's filter over the raw JSON files, no partitions and no statistics: every file read
/// and parsed (the string conditions are tested on the raw bytes of each line first).
func scanRaw(_ root: String, customer: String, service: String, from: String, to: String, zone: String, glob: String) throws {
    let rules = try TimeZoneRules.named(zone)
    let start = try DeltaLogDump.parseLocal(from, in: rules, name: "from"), end = try DeltaLogDump.parseLocal(to, in: rules, name: "to")
    let sink = MemorySink(name: "raw-scan-\(UUID())")
    let started = DispatchTime.now()
    let q = try StreamingSession().readStream.format(.jsonLines).schema(rawSchema)
        .option(.maxFilesPerTrigger(24)).option(.pathGlobFilter(glob)).load(FilePaths.join(root, "raw"))
        .filter(col("customer") == customer && col("service") == service && col("ts") >= lit(.timestamp(start)) && col("ts") < lit(.timestamp(end)))
        .writeStream.format(.custom(sink)).checkpointLocation(FilePaths.join(root, "checkpoints/raw-scan-\(UUID())")).trigger(.availableNow).start()
    try q.awaitTermination()
    let rows = rowsRead(q)
    print("sluice raw JSON scan (\(glob)): \(sink.rows.count) rows matched of \(rows) read in \(String(format: "%.1f", elapsed(started))) s")
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "generate" where args.count == 4:
    try generate(args[1], days: Int(args[2])!, bytesPerDay: Int(args[3])!)
case "ingest" where args.count == 2 || args.count == 3:
    try ingest(args[1], filesPerBatch: args.count == 3 ? Int(args[2])! : 1)
case "describe" where args.count == 2:
    try describe(args[1])
case "dump" where args.count == 8:
    try dump(args[1], customer: args[2], service: args[3], from: args[4], to: args[5], zone: args[6], repeats: Int(args[7])!)
case "scanraw" where args.count == 8:
    try scanRaw(args[1], customer: args[2], service: args[3], from: args[4], to: args[5], zone: args[6], glob: args[7])
case "chart" where args.count == 6:
    try chart(args[1], from: args[2], to: args[3], zone: args[4], repeats: Int(args[5])!)
default:
    print("""
        usage: sluice-logs-bench generate DIR DAYS BYTES_PER_DAY
               sluice-logs-bench ingest DIR [FILES_PER_BATCH]
               sluice-logs-bench describe TABLE
               sluice-logs-bench dump DIR CUSTOMER SERVICE FROM TO ZONE REPEATS
               sluice-logs-bench chart DIR FROM TO ZONE REPEATS
               sluice-logs-bench scanraw DIR CUSTOMER SERVICE FROM TO ZONE GLOB
        """)
    exit(2)
}
