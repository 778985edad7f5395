import Foundation
import Testing

@testable import Streaming

/// `orderBy` and `limit` where Spark allows them: a sort on a complete-mode aggregation's result
/// table, a limit per result table in complete mode and over the query's life in append mode.
@Suite struct SortAndLimitTests {
    static func keyAndCount(_ rows: [[Value]]) -> [String] { rows.map { "\($0[0])=\($0[$0.count - 1])" } }

    @Test func completeModeTopNIsRecomputedEveryBatch() throws {
        let h = try StreamHarness(mode: .complete) { s in
            s.groupBy("key").count().orderBy(col("count").desc, "key").limit(2)
        }
        try h.add([("a", 1, 1), ("b", 1, 1), ("b", 2, 1), ("c", 1, 1)])
        #expect(Self.keyAndCount(h.newRows()) == ["b=2", "a=1"])
        try h.add([("c", 3, 1), ("c", 4, 1), ("a", 5, 1)])
        #expect(Self.keyAndCount(h.newRows()) == ["c=3", "a=2"])
    }

    @Test func ascendingPutsNullsFirstAndDescendingLast() throws {
        let h = try StreamHarness(mode: .complete) { s in
            s.groupBy("value").count().orderBy(col("value").desc)
        }
        try h.add([("a", 1, 3), ("a", 1, nil), ("a", 1, 7)])
        #expect(h.newRows().map { $0[0] } == [.int64(7), .int64(3), .null])
        let asc = try StreamHarness(mode: .complete) { s in s.groupBy("value").count().orderBy("value") }
        try asc.add([("a", 1, 3), ("a", 1, nil), ("a", 1, 7)])
        #expect(asc.newRows().map { $0[0] } == [.null, .int64(3), .int64(7)])
    }

    /// Spark's `StreamingGlobalLimitExec`: the rows let through are counted in state, so the
    /// limit holds across batches and across a restart.
    @Test func appendModeLimitHoldsOverTheQuerysLifeAndARestart() throws {
        let h = try StreamHarness(mode: .append) { s in s.select("key").limit(3) }
        try h.add([("a", 1, 1), ("b", 1, 1)])
        #expect(h.newRows().map { $0[0].description } == ["a", "b"])
        h.stop()
        try h.add([("c", 1, 1), ("d", 1, 1)])
        #expect(h.newRows().map { $0[0].description } == ["c"])
        try h.add([("e", 1, 1)])
        #expect(h.newRows().isEmpty)
        #expect(h.q.lastProgress?.stateOperators.map(\.operatorName) == ["globalLimit"])
    }

    /// The checkpoint remembers each operator of a chain: a restart that changes one is refused,
    /// naming it (here the second aggregation's window and the limit).
    @Test func aRestartThatChangesAnOperatorOfTheChainIsRefused() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        func query(_ size: Duration, limit: Int) throws -> StreamingQuery {
            try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
                .withWatermark("ts", delay: .seconds(0))
                .groupBy(window(col("ts"), .seconds(5))).count()
                .groupBy(window(col("window"), size)).count()
                .limit(limit)
                .writeStream.format(.memory("shape-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        }
        try DurableFile.writeNew(dir.sub("in", "a.jsonl"), Array(#"{"key":"k","ts":"2026-11-25T10:00:01Z","value":1}"#.utf8) + [10])
        try query(.seconds(10), limit: 3).awaitTermination()
        do {
            _ = try query(.seconds(20), limit: 4)
            Issue.record("expected the changed chain to be refused")
        } catch {
            #expect("\(error)".contains("window size was 10 seconds, now 20 seconds"))
            #expect("\(error)".contains("limit was 3, now 4"))
        }
    }

    /// A limit after a chain in append mode counts the final rows.
    @Test func appendModeLimitAfterAnAggregation() throws {
        let h = try StreamHarness(mode: .append) { s in
            s.withWatermark("ts", delay: .seconds(0)).groupBy(window(col("ts"), .seconds(5))).count().limit(2)
        }
        try h.add(times: 1, 6, 11, 16)
        #expect(startAndCount(h.newRows()) == [[0, 1], [5, 1]])
        try h.add(times: 30)
        #expect(h.newRows().isEmpty)
    }
}
