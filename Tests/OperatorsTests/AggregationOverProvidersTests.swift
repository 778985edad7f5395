import Columnar
import StateTestSupport
import Testing

@testable import Operators
@testable import State

/// The windowed aggregation over any `StateStoreProvider`: the file provider and a trivial
/// in-memory one give the same batches, and the columnar output (keys emitted from the key
/// table, sorted through a permutation) equals a row-by-row reference.
@Suite struct AggregationOverProvidersTests {
    static let input = Schema([Field("k", .string), Field("x", .double), Field("n", .int64), Field("ts", .timestamp)])
    static let window = Operators.window(col("ts"), .seconds(10))

    func aggregation(_ mode: OutputMode, _ provider: @escaping (Schema, Schema) throws -> any StateStoreProvider) throws -> StreamingAggregation {
        try StreamingAggregation(
            keys: [col("k"), col("x")], window: Self.window, aggregates: [count(), max(col("n")), min(col("k"))],
            input: Self.input, eventTimeColumn: "ts", mode: mode, operatorId: 0, stateProvider: provider)
    }

    /// Rows with null and repeated keys, -0.0 and 0.0, NaNs, over four windows.
    static func batch(_ b: Int) -> [[Value]] {
        var rng = SplitMix64(seed: UInt64(b) + 1)
        let ks: [Value] = [.null, "a", "b", "héllo"]
        let xs: [Value] = [.null, .double(-0.0), .double(0.0), .double(.nan), .double(2.5)]
        return (0..<60).map { _ in
            [ks[rng.next(upTo: ks.count)], xs[rng.next(upTo: xs.count)], .int64(Int64(rng.next(upTo: 100))),
             .timestamp(Int64(b * 10 + rng.next(upTo: 25)) * 1_000_000)]
        }
    }

    func run(_ op: StreamingAggregation, batch b: Int, eviction: Int64?) throws -> StatefulOutput {
        let out = try op.process(
            try RecordBatch.fromRows(Self.batch(b), schema: Self.input),
            context: StatefulContext(batchId: Int64(b), watermarkForLateEvents: eviction, watermarkForEviction: eviction))
        try op.commit()
        return out
    }

    static func exact(_ rows: [[Value]]) -> [[String]] {
        rows.map { $0.map { if case .double(let d) = $0 { "double \(d.bitPattern)" } else { "\($0)" } } }
    }

    @Test(arguments: [OutputMode.append, .update, .complete])
    func fileAndInMemoryProvidersGiveTheSameBatches(mode: OutputMode) throws {
        let cp = TemporaryCheckpoint()
        let onFiles = try aggregation(mode) { k, v in
            try FileStateStoreProvider(checkpointRoot: cp.path, operatorId: 0, keySchema: k, valueSchema: v, configuredPartitions: 3)
        }
        let inMemory = try aggregation(mode) { k, v in InMemoryStateStoreProvider(keySchema: k, valueSchema: v) }
        var emitted = 0
        for b in 0..<5 {
            let eviction: Int64? = b < 2 ? nil : Int64(b * 10) * 1_000_000
            let a = try run(onFiles, batch: b, eviction: eviction), m = try run(inMemory, batch: b, eviction: eviction)
            #expect(Self.exact(a.rows.rows) == Self.exact(m.rows.rows), "batch \(b)")
            // Counts agree; the memory estimate is each provider's own.
            var a1 = a.metrics, m1 = m.metrics
            a1.memoryUsedBytes = 0
            m1.memoryUsedBytes = 0
            #expect(a1 == m1, "batch \(b)")
            emitted += a.rows.rowCount
        }
        #expect(emitted > 0)
    }

    @Test func updateOutputEqualsARowByRowReference() throws {
        let op = try aggregation(.update) { k, v in InMemoryStateStoreProvider(keySchema: k, valueSchema: v) }
        let out = try run(op, batch: 0, eviction: nil)
        // The reference: groups by normalised key values, one output row each, sorted as rows.
        var groups: [String: (row: [Value], count: Int64, maxN: Int64, minK: Value)] = [:]
        for r in Self.batch(0) {
            guard case .timestamp(let t) = r[3], case .int64(let n) = r[2] else { continue }
            let start = t - t % 10_000_000
            var x = r[1]
            if case .double(let d) = x { x = .double(d.isNaN ? .nan : (d == 0 ? 0 : d)) }
            let key = Self.exact([[.timestamp(start), r[0], x]])[0].joined(separator: "|")
            var g = groups[key] ?? ([.timestamp(start), .timestamp(start + 10_000_000), r[0], x], 0, .min, .null)
            g.count += 1
            g.maxN = Swift.max(g.maxN, n)
            if r[0] != .null && (g.minK == .null || Value.compare(r[0], g.minK) < 0) { g.minK = r[0] }
            groups[key] = g
        }
        let expected = groups.values.map { $0.row + [.int64($0.count), .int64($0.maxN), $0.minK] }
            .sorted { Value.compareRows($0, $1) < 0 }
        #expect(Self.exact(out.rows.rows) == Self.exact(expected))
    }
}
