import Foundation
import Testing

@testable import Service
@testable import Streaming

/// A lookup join's cache hits and misses as Prometheus counters.
@Suite struct LookupMetricsTests {
    /// The owners of services, in memory.
    struct Owners: LookupSourceProvider, LookupSource {
        let schema = Schema([Field("service", .string), Field("owner", .string)])
        var description: String { "owners" }
        func open(columns: [String], key: String) throws -> any LookupSource { self }
        func lookup(keys: Column) throws -> RecordBatch {
            let rows: [[Value]] = (0..<keys.count).compactMap { keys[$0] == .string("svc") ? [.string("svc"), .string("team-a")] : nil }
            return try RecordBatch.fromRows(rows, schema: schema)
        }
    }

    @Test func cacheHitsMissesAndRequestsAreCountedPerLookupJoin() throws {
        let dir = try TestEnvironment.scratch("metrics-lookup")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        try EventFiles.write(input, "a.jsonl", minutes: [0, 1, 2])
        try EventFiles.write(input, "b.jsonl", minutes: [3, 4])
        let session = StreamingSession()
        let metrics = ServiceMetrics()
        session.streams.addListener(metrics.listener)
        let query = try session.readStream.format(.jsonLines).schema(EventFiles.schema).option(.maxFilesPerTrigger(1)).load(input)
            .lookupJoin(.custom(Owners()), on: "service", type: .leftOuter)
            .writeStream.format(.memory("metrics_lookup")).queryName("lookups").trigger(.availableNow).start()
        try query.awaitTermination()
        // One key: looked up in the first batch, found in the cache in the second.
        #expect(query.recentProgress.compactMap { $0.lookupJoins?.first?.numCacheHits } == [0, 1])
        let e = Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        let op = ["query": "lookups", "operator": "lookupJoin(owners on service)"]
        #expect(e.type(of: "sluice_query_lookup_cache_hits_total") == "counter")
        #expect(e.value("sluice_query_lookup_cache_hits_total", op) == 1)
        #expect(e.value("sluice_query_lookup_cache_misses_total", op) == 1)
        #expect(e.value("sluice_query_lookup_requests_total", op) == 1)
        #expect(e.value("sluice_query_lookup_cache_entries", op) == 1)
    }
}
