// Lookup-join throughput against a PostgreSQL table at a chosen cache hit rate.
//
//   sluice-lookup-bench --url postgres://USER@HOST:PORT/DB --table customers
//       [--hit-rates 0,90,99] [--batches 11] [--rows 100000] [--dir /tmp/...] [--baseline] [--memory]
//
// `--baseline` first runs the query without the join; `--memory` looks customers up in a table
// computed in memory instead of PostgreSQL (the engine's part of the cost alone).
//
// The table must have a bigint key `customer_id` for every id from 1 to at least
// (batches + 1) × rows, and a few other columns (Benchmarks/lookup_join.sh creates it). Each
// micro-batch is one JSON-lines file of `rows` orders, every order a different customer, so a
// batch asks for `rows` distinct keys. At hit rate h, h % of a batch's customers are taken from
// the customers of the first batch (which stay cached: the cache holds them all and their time to
// live is an hour) and the rest are customers never seen before, so they are misses, looked up in
// calls of 1000 keys. The first batch (all misses, it fills the cache) is left out of the figures;
// the others are the whole query per batch: read and parse the file, look up, join, hand the
// rows to a `foreachBatch` sink that counts them.
import Foundation
import SluicePostgres
import Streaming
import Synchronization

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

let url = argument("url") ?? "postgres://postgres@127.0.0.1:5432/postgres"
let table = argument("table") ?? "customers"
let hitRates = (argument("hit-rates") ?? "0,90,99").split(separator: ",").compactMap { Int($0) }
let batches = Int(argument("batches") ?? "") ?? 11
let rows = Int(argument("rows") ?? "") ?? 100_000
/// Customers computed in memory instead of PostgreSQL's (`--memory`): the engine's side alone.
struct MemoryCustomers: LookupSourceProvider, LookupSource {
    var schema: Schema { Schema([Field("customer_id", .int64), Field("name", .string), Field("tier", .int64)]) }
    var description: String { "memory customers" }
    func open(columns: [String], key: String) throws -> any LookupSource { self }
    func lookup(keys: Column) throws -> RecordBatch {
        try RecordBatch.fromRows((0..<keys.count).map { i in
            guard case .int64(let k) = keys[i] else { return [.null, .null, .null] }
            return [.int64(k), .string("customer \(k)"), .int64(k % 5)]
        }, schema: schema)
    }
}
let inMemory = CommandLine.arguments.contains("--memory")

/// Runs the same query without the lookup join once first, as the baseline.
let baseline = CommandLine.arguments.contains("--baseline")
let root = argument("dir") ?? NSTemporaryDirectory() + "sluice-lookup-bench-\(UUID().uuidString)"

/// Input files: batch 0 holds customers 1...rows; later batches `hit` % of those (a different
/// slice each batch, so the order of keys varies) and customers never used before.
func writeInput(_ dir: String, hitPercent: Int) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var fresh = rows + 1
    for b in 0..<batches {
        var text = ""
        text.reserveCapacity(rows * 48)
        let hits = b == 0 ? 0 : rows * hitPercent / 100
        for i in 0..<rows {
            let customer: Int
            if b == 0 {
                customer = i + 1
            } else if i < hits {
                customer = (i * 7 + b * 13) % rows + 1  // a permutation of the first batch's customers (7 ⊥ rows)
            } else {
                customer = fresh
                fresh += 1
            }
            text += "{\"order_id\":\(b * rows + i),\"customer_id\":\(customer),\"amount\":\(i % 500)}\n"
        }
        try text.write(toFile: dir + "/" + String(format: "%04d.jsonl", b), atomically: true, encoding: .utf8)
    }
}

// Each figure is written at once (unbuffered), so it is not lost if the process dies later.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

do {
    for hit in (baseline ? [-1] : []) + hitRates {
        let dir = root + "/hit-\(hit)"
        try writeInput(dir + "/in", hitPercent: max(hit, 0))
        let delivered = Mutex(0)
        let customers = try (inMemory ? LookupTable.custom(MemoryCustomers()) : LookupTable.postgres(url: url, table: table)).cache(maxKeys: 2 * rows, timeToLive: .seconds(3600))
        let orders = try StreamingSession().readStream.format(.jsonLines)
            .schema(Schema([Field("order_id", .int64), Field("customer_id", .int64), Field("amount", .int64)]))
            .option(.maxFilesPerTrigger(1))
            .load(dir + "/in")
        let query = try (hit < 0 ? orders : orders.lookupJoin(customers, on: "customer_id", type: .leftOuter))
            .writeStream
            .foreachBatch { _, batch in delivered.withLock { $0 += batch.rowCount } }
            .checkpointLocation(dir + "/checkpoint")
            .trigger(.availableNow)
            .start()
        try query.awaitTermination()
        let progress = query.recentProgress.filter { $0.numInputRows > 0 }.dropFirst()
        let joins = progress.compactMap { $0.lookupJoins?.first }
        let ms = progress.reduce(Int64(0)) { $0 + ($1.durationMs["triggerExecution"] ?? 0) }
        let input = progress.reduce(Int64(0)) { $0 + $1.numInputRows }
        let hits = joins.reduce(Int64(0)) { $0 + $1.numCacheHits }
        let keys = joins.reduce(Int64(0)) { $0 + $1.numKeys }
        let lookupMs = joins.reduce(Int64(0)) { $0 + $1.lookupTimeMs }
        let calls = joins.reduce(Int64(0)) { $0 + $1.numLookups }
        let notFound = joins.reduce(Int64(0)) { $0 + $1.numKeysNotFound }
        let label = hit < 0 ? "no lookup join" : "hit \(String(repeating: " ", count: hit < 10 ? 2 : 1))\(hit) %"
        let medianMs = progress.map { $0.durationMs["triggerExecution"] ?? 0 }.sorted()[progress.count / 2]
        let hitRate = keys == 0 ? 0 : Double(hits) * 1000 / Double(keys)
        let rowsPerSecond = Int64((Double(input) * 1000 / Double(max(ms, 1))).rounded())
        say(label.padding(toLength: 15, withPad: " ", startingAt: 0)
            + "measured hit rate \(hitRate.rounded() / 10) %  batches \(progress.count)  rows \(input)  rows/s \(rowsPerSecond)"
            + "  batch median \(medianMs) ms  lookup time \(lookupMs) ms in \(calls) calls  keys not found \(notFound)"
            + "  rows out \(delivered.withLock { $0 })")
        try? FileManager.default.removeItem(atPath: dir)
    }
    try? FileManager.default.removeItem(atPath: root)
} catch {
    FileHandle.standardError.write(Data("sluice-lookup-bench: \(error)\n".utf8))
    exit(1)
}
