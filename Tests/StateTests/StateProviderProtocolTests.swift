import Columnar
import Formats
import StateTestSupport
import Testing

@testable import State

/// The same scenarios through the protocol on the file provider and on a second, in-memory one.
@Suite struct StateProviderProtocolTests {
    func providers(_ checkpoint: TemporaryCheckpoint) throws -> [any StateStoreProvider] {
        [
            try checkpoint.provider(snapshotInterval: 3),
            InMemoryStateStoreProvider(keySchema: StateFixtures.keySchema, valueSchema: StateFixtures.valueSchema),
        ]
    }

    @Test func bothProvidersHoldTheSameStateVersionByVersion() throws {
        let checkpoint = TemporaryCheckpoint()
        let results = try providers(checkpoint).map { provider in
            var contents: [[[Value]: [Value]]] = []
            var model: [[Value]: [Value]] = [:]
            for v in 1...7 {
                var store = try provider.load(version: Int64(v - 1))
                #expect(StateFixtures.contents(store) == model, "\(type(of: provider)) version \(v - 1)")
                try StateFixtures.apply(version: v, to: &store, model: &model)
                #expect(try store.commit() == Int64(v))
                contents.append(StateFixtures.contents(try provider.load(version: Int64(v))))
            }
            try provider.close()
            return contents
        }
        #expect(results[0] == results[1])
        #expect(results[0].last?.isEmpty == false)
    }

    @Test func keysAreTheGroupKeyBytesOfTheirColumns() throws {
        // A row encoded as the aggregation encodes a batch's keys is found by its values, and
        // the store hands back exactly those bytes, whatever the provider.
        let checkpoint = TemporaryCheckpoint()
        let batch = try RecordBatch.fromRows(
            [["svc-1", .timestamp(60_000_000)], [.null, .timestamp(-5)], ["", .timestamp(0)]], schema: StateFixtures.keySchema)
        let encoded = GroupKeyBatch(columns: batch.columns)
        for provider in try providers(checkpoint) {
            var store = try provider.load(version: 0)
            for k in 0..<encoded.count {
                try encoded.withKey(k) { try store.put(key: $0, value: try store.valueCodec.encode([.int64(Int64(k)), .null])) }
            }
            for (k, row) in batch.rows.enumerated() {
                #expect(try store.get(key: row) == [.int64(Int64(k)), .null])
                #expect(try store.keyCodec.encode(row) == encoded.withKey(k) { Array($0) })
            }
            var seen: Set<[UInt8]> = []
            store.forEachEntry(inPartition: nil) { key, _ in seen.insert(Array(key)) }
            #expect(seen == Set((0..<encoded.count).map { k in encoded.withKey(k) { Array($0) } }))
        }
    }

    @Test func removeAllByBytesSeesTheKeyFieldsWithoutDecoding() throws {
        let checkpoint = TemporaryCheckpoint()
        let types = StateFixtures.keySchema.fields.map(\.type)
        for provider in try providers(checkpoint) {
            var store = try provider.load(version: 0)
            for i in 0..<20 { try store.put(key: StateFixtures.key(i), value: StateFixtures.value(i, 0)) }
            // The window is field 1, after a variable-length string: read by skipping, not decoding.
            let removed = try store.removeAll(whereBytes: { key, _ in
                GroupKeyLayout.int64Field(1, of: key, types: types)! < 10 * 60_000_000
            })
            #expect(removed == 10)
            #expect(store.entries().allSatisfy { if case .timestamp(let t) = $0.key[1] { t >= 600_000_000 } else { false } })
            #expect(store.metrics.numRowsRemoved == 10 && store.metrics.numRowsTotal == 10)
        }
    }
}
