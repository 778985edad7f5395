// Parquet write and read throughput on a log-like dataset, in release mode:
//   swift run -c release ParquetBench [rows]
// Reports rows/s and MB/s, where MB counts the in-memory column data (8 bytes per
// timestamp/int/double, string bytes, 1 byte per bool), which is what the engine moves.
import Columnar
import Formats
import Foundation

let rows = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let schema = Schema([
    Field("ts", .timestamp), Field("service", .string), Field("level", .string), Field("message", .string),
    Field("user", .string), Field("status", .int64), Field("latency_ms", .double), Field("ok", .bool),
])

/// Deterministic log-like rows: 50 services, 4 levels, ~10k users, templated messages, 2% nulls.
func makeBatch(_ n: Int) -> (RecordBatch, Int) {
    var state: UInt64 = 42
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let services = (0..<50).map { "service-\($0)" }
    let levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
    let verbs = ["GET", "POST", "PUT", "DELETE"]
    var ts = ColumnBuilder(type: .timestamp, capacity: n), sv = ColumnBuilder(type: .string, capacity: n)
    var lv = ColumnBuilder(type: .string, capacity: n), msg = ColumnBuilder(type: .string, capacity: n)
    var us = ColumnBuilder(type: .string, capacity: n), st = ColumnBuilder(type: .int64, capacity: n)
    var lat = ColumnBuilder(type: .double, capacity: n), ok = ColumnBuilder(type: .bool, capacity: n)
    var bytes = 0
    let base = Timestamps.make(year: 2026, month: 11, day: 25)
    for i in 0..<n {
        let r = next()
        ts.append(base + Int64(i) * 86_400 + Int64(r % 1000))
        let s = services[Int((r >> 8) % 50)]
        sv.append(s)
        let l = levels[Int((r >> 16) % 6)]
        lv.append(l)
        let m = "\(verbs[Int((r >> 20) % 4)]) /api/v1/orders/\((r >> 24) % 100_000) took \((r >> 40) % 2000)ms"
        msg.append(m)
        if r % 50 == 0 { us.appendNull() } else { us.append("user-\((r >> 12) % 10_000)") }
        st.append(Int64([200, 200, 200, 201, 404, 500][Int((r >> 28) % 6)]))
        if r % 47 == 0 { lat.appendNull() } else { lat.append(Double((r >> 32) % 100_000) / 10) }
        ok.append(r & 1 == 0)
        bytes += 8 * 3 + 1 + s.utf8.count + l.utf8.count + m.utf8.count + 10
    }
    let cols = [ts, sv, lv, msg, us, st, lat, ok].map { $0.finish() }
    return (try! RecordBatch(schema: schema, columns: cols), bytes)
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

let (batch, rawBytes) = makeBatch(rows)
let path = FilePaths.join(NSTemporaryDirectory(), "parquet-bench-\(getpid()).parquet")
defer { try? FileSystem.remove(path) }
let clock = ContinuousClock()
let mb = Double(rawBytes) / 1e6
print("ParquetBench: \(rows) log-like rows, \(String(format: "%.1f", mb)) MB of column data, 8 columns")

var bestWrite = Double.infinity, bestRead = Double.infinity
var fileSize = 0
for _ in 0..<3 {
    try? FileSystem.remove(path)
    let t0 = clock.now
    var w = try ParquetWriter(schema: schema)
    try w.write(batch)
    fileSize = try w.finish(toFile: path).fileSize
    bestWrite = min(bestWrite, seconds(clock.now - t0))

    let t1 = clock.now
    let read = try ParquetFile(path: path).read()
    bestRead = min(bestRead, seconds(clock.now - t1))
    precondition(read.rowCount == rows)
}
func line(_ what: String, _ s: Double) -> String {
    String(format: "%@ %7.3f s  %9.0f rows/s  %7.1f MB/s", what, s, Double(rows) / s, mb / s)
}
print(line("write (zstd, dictionary, fsync):", bestWrite))
print(line("read  (all columns)            :", bestRead))
print(String(format: "file: %.1f MB (%.1fx smaller than the column data)", Double(fileSize) / 1e6, Double(rawBytes) / Double(fileSize)))
