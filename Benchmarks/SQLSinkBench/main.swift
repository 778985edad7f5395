// Rows per second into PostgreSQL through the sink: COPY against multi-row INSERT, and SQLite,
// in append mode, batches handed to `addBatch` as the engine hands them.
//
//   sluice-sql-bench --url postgres://USER@HOST:PORT/DB [--rows 1000000] [--batch 100000]
//       [--rounds 3] [--sqlite PATH]
//
// The rows are YSB-shaped output plus a double and a bool: campaign_id text, window_start and
// window_end timestamptz, count bigint, rate double precision, final boolean. Rounds alternate
// the methods so drift on a shared machine hits them alike. Time and CPU (this process: encoding
// and protocol; the server's work is not in it) are taken around the addBatch calls only.
import Foundation
import SluicePostgres
import SluiceSQLite
import Streaming

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

let url = argument("url") ?? "postgres://postgres@127.0.0.1:5432/postgres"
let totalRows = Int(argument("rows") ?? "") ?? 1_000_000
let batchRows = Int(argument("batch") ?? "") ?? 100_000
let rounds = Int(argument("rounds") ?? "") ?? 3
let sqlitePath = argument("sqlite")

let schema = Schema([
    Field("campaign_id", .string), Field("window_start", .timestamp), Field("window_end", .timestamp),
    Field("count", .int64), Field("rate", .double), Field("final", .bool),
])

func makeBatch(_ start: Int, _ n: Int) -> RecordBatch {
    var ids = StringArray()
    var ws = [Int64](), we = [Int64](), counts = [Int64](), rates = [Double](), finals = [Bool]()
    let t0 = Timestamps.make(year: 2026, month: 11, day: 25)
    for i in start..<(start + n) {
        ids.append("campaign-\(String(format: "%08x", (i &* 2_654_435_761) & 0xFFFF_FFFF))")
        let w = t0 + Int64(i / 100) * 10_000_000
        ws.append(w)
        we.append(w + 10_000_000)
        counts.append(Int64(i % 1000))
        rates.append(Double(i % 997) / 7.0)
        finals.append(i % 3 == 0)
    }
    return try! RecordBatch(schema: schema, columns: [
        .strings(ids), .timestamps(ws), .timestamps(we), .int64s(counts), .doubles(rates), .bools(finals),
    ])
}

let batches = stride(from: 0, to: totalRows, by: batchRows).map { makeBatch($0, min(batchRows, totalRows - $0)) }

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

func measure(_ label: String, _ sink: any Sink) throws {
    try sink.open(SinkContext(queryId: "bench-\(UUID().uuidString)", queryName: nil, outputMode: .append, schema: schema))
    let cpu0 = cpuSeconds()
    let start = ContinuousClock.now
    for (id, b) in batches.enumerated() { try sink.addBatch(Int64(id), b) }
    let d = ContinuousClock.now - start
    let wall = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    let cpu = cpuSeconds() - cpu0
    let padded = label.padding(toLength: 16, withPad: " ", startingAt: 0)
    print(padded + String(format: "rows %d  batch %d  wall %.3f s  rows/s %.0f  client CPU %.3f s", totalRows, batchRows, wall, Double(totalRows) / wall, cpu))
}

do {
    for round in 1...rounds {
        print("round \(round)")
        for method in PostgresWriteMethod.allCases {
            try measure("postgres-\(method.rawValue)", PostgresSink(url: url, table: "bench_\(method.rawValue)_\(round)", writeMethod: method))
        }
        if let sqlitePath {
            try measure("sqlite", SQLiteSink(path: sqlitePath, table: "bench_\(round)"))
        }
    }
} catch {
    FileHandle.standardError.write(Data("sluice-sql-bench: \(error)\n".utf8))
    exit(1)
}
