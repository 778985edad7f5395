import Columnar
import StateTestSupport
import Formats
import Testing
@testable import State

@Suite struct StateStoreTests {
    @Test func putGetRemoveAndMetrics() throws {
        let checkpoint = TemporaryCheckpoint()
        var store = try checkpoint.provider().load(version: 0)
        #expect(try store.get(key: StateFixtures.key(1)) == nil)
        try store.put(key: StateFixtures.key(1), value: [5, 1.5])
        try store.put(key: StateFixtures.key(2), value: [6, nil])
        try store.put(key: StateFixtures.key(1), value: [7, 2.5])
        #expect(try store.get(key: StateFixtures.key(1)) == [7, 2.5])
        #expect(try store.get(key: StateFixtures.key(2)) == [6, nil])
        #expect(try store.remove(key: StateFixtures.key(2)))
        #expect(try !store.remove(key: StateFixtures.key(3)))
        #expect(try store.get(key: StateFixtures.key(2)) == nil)

        let m = store.metrics
        #expect(m.numRowsTotal == 1)
        #expect(m.numRowsUpdated == 3)
        #expect(m.numRowsRemoved == 1)
        #expect(m.memoryUsedBytes > 0)
    }

    @Test func updateReadsAndWritesOneKey() throws {
        let checkpoint = TemporaryCheckpoint()
        var store = try checkpoint.provider().load(version: 0)
        #expect(try store.update(key: StateFixtures.key(1)) { old in old == nil ? [1, 0.5] : nil })
        #expect(try !store.update(key: StateFixtures.key(1)) { old in old == nil ? [9, 9.5] : nil })
        #expect(try store.update(key: StateFixtures.key(1)) { old in [.int64(old![0] == 1 ? 2 : -1), 0.5] })
        #expect(try store.get(key: StateFixtures.key(1)) == [2, 0.5])
        #expect(store.metrics.numRowsUpdated == 2)
    }

    @Test func rejectsKeysAndValuesThatDoNotFit() throws {
        let checkpoint = TemporaryCheckpoint()
        var store = try checkpoint.provider().load(version: 0)
        #expect(throws: RowCodecError.self) { try store.put(key: ["svc"], value: [1, nil]) }
        #expect(throws: RowCodecError.self) { try store.put(key: StateFixtures.key(1), value: [nil, nil]) }
        #expect(throws: RowCodecError.self) { try store.get(key: [1, 2]) }
    }

    @Test func commitAndLoadRoundTripAcrossVersions() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider(snapshotInterval: 3)
        var model: [[Value]: [Value]] = [:]
        for v in 1...7 {
            var store = try provider.load(version: Int64(v - 1))
            #expect(StateFixtures.contents(store) == model)
            try StateFixtures.apply(version: v, to: &store, model: &model)
            #expect(try store.commit() == Int64(v))
            #expect(store.committedVersion == Int64(v))
            #expect(StateFixtures.contents(store) == model)
        }
        #expect(StateFixtures.contents(try provider.load(version: 7)) == model)
        #expect(try provider.load(version: 0).entries().underestimatedCount == 0)
    }

    @Test func abortDropsChanges() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider()
        let models = try StateFixtures.commitVersions(2, provider: provider)
        var store = try provider.load(version: 2)
        try store.put(key: ["new", .timestamp(1)], value: [1, nil])
        for k in models[2].keys { try store.remove(key: k) }
        store.abort()
        #expect(StateFixtures.contents(store) == models[2])
        #expect(store.metrics.numRowsUpdated == 0)
        #expect(throws: StateStoreError.self) { try store.commit() }
        // The aborted store's state is what the next load of version 2 sees, from memory or disk.
        #expect(StateFixtures.contents(try provider.load(version: 2)) == models[2])
        #expect(StateFixtures.contents(try checkpoint.provider().load(version: 2)) == models[2])
    }

    @Test func committedStoreRejectsChangesButStaysReadable() throws {
        let checkpoint = TemporaryCheckpoint()
        var store = try checkpoint.provider().load(version: 0)
        try store.put(key: StateFixtures.key(1), value: [1, nil])
        _ = try store.commit()
        #expect(try store.get(key: StateFixtures.key(1)) == [1, nil])
        let error = #expect(throws: StateStoreError.self) { try store.put(key: StateFixtures.key(2), value: [2, nil]) }
        #expect(error?.description.contains("already committed as version 1") == true)
        store.abort()  // no effect after commit
        #expect(try store.get(key: StateFixtures.key(1)) == [1, nil])
    }

    @Test func iteratesAllEntriesAndPerPartition() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider(partitions: 3)
        var store = try provider.load(version: 0)
        for i in 0..<50 { try store.put(key: StateFixtures.key(i), value: StateFixtures.value(i, 0)) }
        #expect(Array(store.entries()).count == 50)
        var seen = 0
        for p in 0..<3 {
            for e in store.entries(inPartition: p) {
                #expect(try provider.partition(ofKey: e.key) == p)
                seen += 1
            }
        }
        #expect(seen == 50)
    }

    @Test func removeAllWhere() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider()
        var store = try provider.load(version: 0)
        for i in 0..<20 { try store.put(key: StateFixtures.key(i), value: StateFixtures.value(i, 0)) }
        let cutoff = Value.timestamp(10 * 60_000_000)
        func early(_ key: [Value]) -> Bool {
            if case .timestamp(let t) = key[1], case .timestamp(let c) = cutoff { return t < c }
            return false
        }
        #expect(try store.removeAll { early($0.key) } == 10)
        #expect(store.metrics.numRowsRemoved == 10)
        _ = try store.commit()
        let reloaded = try checkpoint.provider().load(version: 1)
        #expect(reloaded.entries().allSatisfy { !early($0.key) })
        #expect(reloaded.metrics.numRowsTotal == 10)
    }

    @Test func writesTheSameBytesWhateverTheInsertionOrder() throws {
        let a = TemporaryCheckpoint(), b = TemporaryCheckpoint()
        var sa = try a.provider(snapshotInterval: 1).load(version: 0)
        var sb = try b.provider(snapshotInterval: 1).load(version: 0)
        for i in 0..<40 { try sa.put(key: StateFixtures.key(i), value: StateFixtures.value(i, 1)) }
        for i in (0..<40).reversed() { try sb.put(key: StateFixtures.key(i), value: StateFixtures.value(i, 1)) }
        _ = try sa.commit()
        _ = try sb.commit()
        for p in 0..<4 {
            for name in ["1.delta", "1.snapshot"] {
                #expect(try FileSystem.read(a.file(name, partition: p)) == FileSystem.read(b.file(name, partition: p)))
            }
        }
    }

    @Test func emptyKeySchemaHoldsOneGlobalRow() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider(keySchema: Schema([]))
        var store = try provider.load(version: 0)
        try store.put(key: [], value: [3, nil])
        _ = try store.commit()
        #expect(try checkpoint.provider(keySchema: Schema([])).load(version: 1).get(key: []) == [3, nil])
    }
}
