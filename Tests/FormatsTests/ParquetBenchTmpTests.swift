import Columnar
import Foundation
import Testing

import Formats

@Suite struct ParquetBenchTmp {
    @Test func bench() throws {
        guard ProcessInfo.processInfo.environment["PARQUET_BENCH"] != nil else { return }
        let schema = Schema([
            Field("ts", .timestamp), Field("service", .string), Field("level", .string), Field("message", .string),
            Field("status", .int64), Field("latency", .double), Field("user", .string),
        ])
        let services = (0..<50).map { "service-\($0)" }
        let levels = ["INFO", "WARN", "ERROR", "DEBUG"]
        var batches: [RecordBatch] = []
        var rawBytes = 0
        var seed: UInt64 = 1
        func rnd() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        let base = Timestamps.make(year: 2026, month: 11, day: 25)
        for b in 0..<10 {
            var ts = ColumnBuilder(type: .timestamp, capacity: 100_000), sv = ColumnBuilder(type: .string, capacity: 100_000)
            var lv = ColumnBuilder(type: .string, capacity: 100_000), msg = ColumnBuilder(type: .string, capacity: 100_000)
            var st = ColumnBuilder(type: .int64, capacity: 100_000), lat = ColumnBuilder(type: .double, capacity: 100_000)
            var us = ColumnBuilder(type: .string, capacity: 100_000)
            for i in 0..<100_000 {
                let row = b * 100_000 + i
                ts.append(base + Int64(row) * 1000 + Int64(rnd() % 1000))
                let s = services[Int(rnd() % 50)]; sv.append(s)
                let l = levels[Int(rnd() % 4)]; lv.append(l)
                let m = "request \(rnd() % 1_000_000) handled for /api/v1/items/\(rnd() % 100_000) in \(rnd() % 900)ms trace=\(String(rnd(), radix: 16))"
                msg.append(m)
                st.append(Int64([200, 200, 200, 404, 500][Int(rnd() % 5)]))
                lat.append(Double(rnd() % 100_000) / 100)
                if rnd() % 10 == 0 { us.appendNull() } else { us.append("user-\(rnd() % 10_000)") }
                rawBytes += 8 + s.utf8.count + l.utf8.count + m.utf8.count + 8 + 8 + 10
            }
            batches.append(try RecordBatch(schema: schema, columns: [ts.finish(), sv.finish(), lv.finish(), msg.finish(), st.finish(), lat.finish(), us.finish()]))
        }
        let mb = Double(rawBytes) / 1_048_576
        for compression in [ParquetCompression.zstd, .snappy, .uncompressed] {
            var bytes: [UInt8] = []
            var best = Double.infinity
            for _ in 0..<3 {
                let t0 = Date()
                var w = try ParquetWriter(schema: schema, options: ParquetWriterOptions(compression: compression))
                for b in batches { try w.write(b) }
                bytes = try w.finish().bytes
                best = min(best, Date().timeIntervalSince(t0))
            }
            var bestRead = Double.infinity
            var rows = 0
            for _ in 0..<3 {
                let t0 = Date()
                let f = try ParquetFile(bytes: bytes)
                rows = try f.read().rowCount
                bestRead = min(bestRead, Date().timeIntervalSince(t0))
            }
            print(String(format: "BENCH %@: raw %.1f MB -> file %.1f MB; write %.3fs = %.0f MB/s, %.2fM rows/s; read %.3fs = %.0f MB/s, %.2fM rows/s (%d rows)",
                compression.rawValue, mb, Double(bytes.count) / 1_048_576, best, mb / best, 1.0 / best, bestRead, mb / bestRead, 1.0 / bestRead, rows))
        }
    }
}
