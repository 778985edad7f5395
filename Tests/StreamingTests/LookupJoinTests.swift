import Foundation
import Synchronization
import Testing

@testable import Streaming

/// A lookup table in memory that records every call, standing in for a database.
final class RecordingLookupTable: LookupSourceProvider, @unchecked Sendable {
    let schema = Schema([Field("key", .string), Field("customer", .string), Field("tier", .int64)])
    var description: String { "memory table customers" }
    private let state = Mutex<(rows: [[Value]], calls: [[String]], opened: [[String]])>(([], [], []))

    /// Replaces the table's rows: (key, customer, tier).
    func set(_ rows: [(String, String, Int64)]) {
        state.withLock { $0.rows = rows.map { [.string($0.0), .string($0.1), .int64($0.2)] } }
    }

    /// The keys of each call so far.
    var calls: [[String]] { state.withLock { $0.calls } }
    var opened: [[String]] { state.withLock { $0.opened } }

    func open(columns: [String], key: String) throws -> any LookupSource {
        state.withLock { $0.opened.append(columns) }
        return Source(table: self, columns: columns.map { schema.index(of: $0)! }, key: schema.index(of: key)!)
    }

    struct Source: LookupSource {
        let table: RecordingLookupTable
        let columns: [Int]
        let key: Int
        var description: String { table.description }

        func lookup(keys: Column) throws -> RecordBatch {
            let wanted = (0..<keys.count).map { keys[$0] }
            let rows = table.state.withLock { s in
                s.calls.append(wanted.map { if case .string(let k) = $0 { return k } else { return "?" } })
                return s.rows.filter { wanted.contains($0[key]) }.map { r in columns.map { r[$0] } }
            }
            return try RecordBatch.fromRows(rows, schema: Schema(columns.map { table.schema.fields[$0] }))
        }
    }
}

/// A clock the test moves by hand.
final class LookupTestClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { instant.withLock { $0 } }
    func advance(_ d: Duration) { instant.withLock { $0 = $0 + d } }
}

@Suite struct LookupJoinTests {
    func lookup(_ table: RecordingLookupTable, clock: LookupTestClock? = nil, ttl: Duration = .seconds(60), maxKeys: Int = 100, perCall: Int = 1000)
        -> LookupTable
    {
        var t = LookupTable.custom(table).cache(maxKeys: maxKeys, timeToLive: ttl).keysPerLookup(perCall)
        if let clock { t.clock = { clock.now } }
        return t
    }

    @Test func eachBatchAsksForItsDistinctKeysOnceInCallsOfAtMostKeysPerLookup() throws {
        let table = RecordingLookupTable()
        table.set([("a", "Ann", 1), ("b", "Bob", 2), ("c", "Cy", 3)])
        let h = try StreamHarness(mode: .append) { s in s.lookupJoin(lookup(table, perCall: 3), on: "key", type: .inner) }
        try h.add([("a", 1, 10), ("a", 2, 11), ("b", 3, 12), ("c", 4, 13), ("a", 5, 14), ("d", 6, 15)])
        #expect(table.calls == [["a", "b", "c"], ["d"]])
        #expect(h.newRows().map { "\($0[0]) \($0[2]) \($0[3]) \($0[4])" } == [
            "a 10 Ann 1", "a 11 Ann 1", "b 12 Bob 2", "c 13 Cy 3", "a 14 Ann 1",
        ])
        let progress = try #require(h.q.recentProgress.last?.lookupJoins?.first)
        #expect(progress.operatorName == "lookupJoin(memory table customers on key)")
        #expect([progress.numKeys, progress.numCacheHits, progress.numCacheMisses, progress.numKeysNotFound, progress.numLookups, progress.cacheEntries]
            == [4, 0, 4, 1, 2, 4])
    }

    @Test func leftOuterGivesNullsForMissingKeysAndRemembersThatTheyAreMissing() throws {
        let table = RecordingLookupTable()
        table.set([("a", "Ann", 1)])
        let h = try StreamHarness(mode: .append) { s in s.lookupJoin(lookup(table), on: "key", type: .leftOuter).select("key", "customer") }
        try h.add([("a", 1, 1), ("z", 2, 2)])
        #expect(h.newRows() == [[.string("a"), .string("Ann")], [.string("z"), .null]])
        try h.add([("z", 3, 3), ("a", 4, 4)])
        #expect(h.newRows() == [[.string("z"), .null], [.string("a"), .string("Ann")]])
        #expect(table.calls == [["a", "z"]])
        let second = try #require(h.q.recentProgress.last?.lookupJoins?.first)
        #expect([second.numCacheHits, second.numCacheMisses, second.numKeysNotFound, second.numLookups] == [2, 0, 1, 0])
    }

    @Test func afterTheTimeToLiveTheTableIsAskedAgainAndNewValuesAreUsed() throws {
        let table = RecordingLookupTable()
        let clock = LookupTestClock()
        table.set([("a", "Ann", 1)])
        let h = try StreamHarness(mode: .append) { s in s.lookupJoin(lookup(table, clock: clock, ttl: .seconds(60)), on: "key").select("key", "tier") }
        try h.add([("a", 1, 1)])
        table.set([("a", "Ann", 2), ("b", "Bob", 5)])
        clock.advance(.seconds(59))
        try h.add([("a", 2, 2)])
        #expect(h.newRows() == [[.string("a"), .int64(1)], [.string("a"), .int64(1)]], "within the time to live the cached row is used")
        clock.advance(.seconds(1))
        try h.add([("a", 3, 3), ("b", 3, 3)])
        #expect(h.newRows() == [[.string("a"), .int64(2)], [.string("b"), .int64(5)]])
        #expect(table.calls == [["a"], ["a", "b"]])
    }

    @Test func theCacheKeepsTheMostRecentlyUsedKeysWithinItsBound() throws {
        let table = RecordingLookupTable()
        table.set([("a", "Ann", 1), ("b", "Bob", 2), ("c", "Cy", 3)])
        let h = try StreamHarness(mode: .append) { s in s.lookupJoin(lookup(table, maxKeys: 2), on: "key") }
        try h.add([("a", 1, 1), ("b", 2, 2)])
        try h.add([("a", 3, 3)])  // a is now the most recently used
        try h.add([("c", 4, 4)])  // evicts b
        try h.add([("a", 5, 5), ("b", 6, 6)])
        #expect(table.calls == [["a", "b"], ["c"], ["b"]])
        #expect(h.q.recentProgress.last?.lookupJoins?.first?.cacheEntries == 2)
    }

    @Test func theTableIsOpenedForTheColumnsTheQueryUses() throws {
        let table = RecordingLookupTable()
        table.set([("a", "Ann", 1)])
        let h = try StreamHarness(mode: .append) { s in s.lookupJoin(lookup(table), on: "key").select("value", "tier") }
        try h.add([("a", 1, 7)])
        #expect(h.newRows() == [[.int64(7), .int64(1)]])
        #expect(table.opened == [["key", "tier"]])
    }

    @Test func nullKeysAreNeverLookedUp() throws {
        let table = RecordingLookupTable()
        table.set([("1", "Ann", 1)])
        // A key that is not a number becomes null.
        let h = try StreamHarness(mode: .append) { s in
            s.withColumn("key", col("key").cast(.int64).cast(.string)).lookupJoin(lookup(table), on: "key", type: .leftOuter)
                .select("value", "customer")
        }
        try h.add([("x", 1, 0), ("1", 2, 1)])
        #expect(h.newRows() == [[.int64(0), .null], [.int64(1), .string("Ann")]])
        #expect(table.calls == [["1"]])
    }

    @Test func aKeyOfAnotherTypeOrADoubleKeyOrAClashingColumnIsRefusedAtStart() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let stream = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
        let table = LookupTable.custom(RecordingLookupTable())
        #expect(throws: QueryError.self) { _ = try stream.lookupJoin(table, on: "value").writeStream.format(.memory("l1")).start() }
        #expect(throws: QueryError.self) {
            _ = try stream.withColumn("customer", lit("x")).lookupJoin(table, on: "key").writeStream.format(.memory("l2")).start()
        }
        #expect(throws: QueryError.self) {
            _ = try stream.withColumn("key", col("value").cast(.double))
                .lookupJoin(table, on: "key").writeStream.format(.memory("l3")).start()
        }
    }
}
