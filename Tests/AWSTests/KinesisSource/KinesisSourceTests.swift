import AWSTestSupport
import Foundation
import KinesisSource
import Streaming
import Synchronization
import Testing

@testable import AWS

/// The Kinesis source in real queries over `FakeKinesis`: resharding with records in the
/// children, a batch re-run after a crash, records lost to retention.
@Suite struct KinesisSourceTests {
    let root = NSTemporaryDirectory() + "sluice-kinesis-\(UUID().uuidString.lowercased())"

    /// What each batch got: (batch id, shard id, data) in row order.
    final class Recorder: Sendable {
        let rows = Mutex<[(batch: Int64, shard: String, data: String)]>([])
        /// Throw in this batch, after recording it (a crash after the sink wrote).
        let failIn: Int64?
        struct Crash: Error {}

        init(failIn: Int64? = nil) { self.failIn = failIn }

        func add(_ id: Int64, _ batch: RecordBatch) throws {
            let shards = batch.columns[batch.schema.names.firstIndex(of: "shard_id")!].stringValues
            let data = batch.columns[batch.schema.names.firstIndex(of: "data")!].stringValues
            rows.withLock { r in for i in 0..<batch.rowCount { r.append((id, shards[i], data[i])) } }
            if id == failIn { throw Crash() }
        }
    }

    func run(
        _ kinesis: FakeKinesis, _ recorder: Recorder, maxRecords: Int = 2, failOnDataLoss: Bool = true,
        from position: KinesisStartingPosition = .trimHorizon
    ) throws -> StreamingQuery {
        let stream = try StreamingSession().readStream.format(.kinesis(stream: "logs", region: "us-east-1"))
            .option(.client(kinesis)).option(.maxRecordsPerShard(maxRecords)).option(.failOnDataLoss(failOnDataLoss))
            .option(.startingPosition(position)).load()
        return try stream.writeStream.foreachBatch { id, batch in try recorder.add(id, batch) }
            .checkpointLocation(root + "/cp").trigger(.availableNow).start()
    }

    @Test func parentsAreReadToTheirEndBeforeTheirChildren() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let k = FakeKinesis(shards: ["a", "b"])
        k.put("a", (0..<5).map { "a\($0)" })
        k.put("b", (0..<3).map { "b\($0)" })
        k.split("a", into: ["a1", "a2"])
        k.put("a1", (0..<4).map { "a1-\($0)" })
        k.put("a2", (0..<2).map { "a2-\($0)" })
        k.merge("a2", "b", into: "c")
        k.put("c", (0..<3).map { "c\($0)" })
        let recorder = Recorder()
        try run(k, recorder).awaitTermination()

        let rows = recorder.rows.withLock { $0 }
        let byShard = Dictionary(grouping: rows, by: \.shard)
        #expect(byShard["a"]?.map(\.data) == (0..<5).map { "a\($0)" })
        #expect(byShard["b"]?.map(\.data) == (0..<3).map { "b\($0)" })
        #expect(byShard["a1"]?.map(\.data) == (0..<4).map { "a1-\($0)" })
        #expect(byShard["a2"]?.map(\.data) == (0..<2).map { "a2-\($0)" })
        #expect(byShard["c"]?.map(\.data) == (0..<3).map { "c\($0)" })
        #expect(rows.count == 17)
        // Every record of a parent is in an earlier batch than any of its children's.
        for (child, parents) in [("a1", ["a"]), ("a2", ["a"]), ("c", ["a2", "b"])] {
            let first = byShard[child]!.map(\.batch).min()!
            for p in parents { #expect(byShard[p]!.map(\.batch).max()! < first, "\(p) before \(child)") }
        }
    }

    @Test func aBatchReRunAfterACrashReadsTheSameRecords() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let k = FakeKinesis(shards: ["a", "b"])
        k.put("a", (0..<5).map { "a\($0)" })
        k.put("b", (0..<5).map { "b\($0)" })
        let crashing = Recorder(failIn: 1)
        #expect(throws: Recorder.Crash.self) { try run(k, crashing).awaitTermination() }
        let firstTry = crashing.rows.withLock { $0.filter { $0.batch == 1 }.map(\.data) }
        #expect(firstTry == ["a2", "a3", "b2", "b3"])

        // New records arrive before the restart; batch 1 must not take any of them.
        k.put("a", ["a5"])
        let recorder = Recorder()
        try run(k, recorder).awaitTermination()
        let rows = recorder.rows.withLock { $0 }
        #expect(rows.filter { $0.batch == 1 }.map(\.data) == firstTry)
        #expect(rows.map(\.data).sorted() == ["a2", "a3", "a4", "a5", "b2", "b3", "b4"])
    }

    @Test func recordsLostToRetentionFailTheQueryOrAreReported() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let k = FakeKinesis(shards: ["a"])
        k.put("a", (0..<3).map { "a\($0)" })
        try run(k, Recorder(), maxRecords: 100).awaitTermination()
        k.put("a", (3..<10).map { "a\($0)" })
        k.trim("a", 6)  // a3, a4 and a5 expire before the query reads them

        let failing = try run(k, Recorder(), maxRecords: 100)
        let error = try #require(throws: KinesisSourceError.self) { try failing.awaitTermination() }
        guard case .dataLoss(let stream, let shard, _) = error else { Issue.record("\(error)"); return }
        #expect(stream == "logs" && shard == "a")
        #expect(error.description.contains("failOnDataLoss"))

        let recorder = Recorder()
        let going = try run(k, recorder, maxRecords: 100, failOnDataLoss: false)
        try going.awaitTermination()
        #expect(recorder.rows.withLock { $0.map(\.data) } == ["a6", "a7", "a8", "a9"])
        let reported = going.recentProgress.compactMap { $0.sources[0].metrics?["dataLoss"] }
        #expect(reported.count == 1 && reported[0].contains("no longer in the shard"))
    }

    @Test func latestAndAtTimestampStartWhereTheySayAndRestartsContinue() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let k = FakeKinesis(shards: ["a"])
        k.put("a", ["old0", "old1"])
        Thread.sleep(forTimeInterval: 0.02)
        // LATEST: nothing that was there at the first start, then what came after it.
        let first = Recorder()
        try run(k, first, from: .latest).awaitTermination()
        #expect(first.rows.withLock { $0.isEmpty })
        Thread.sleep(forTimeInterval: 0.02)
        k.put("a", ["new0"])
        let second = Recorder()
        try run(k, second, from: .trimHorizon).awaitTermination()  // the checkpoint decides, not the option
        #expect(second.rows.withLock { $0.map(\.data) } == ["new0"])

        try FileManager.default.removeItem(atPath: root)
        let cut = Date()
        Thread.sleep(forTimeInterval: 0.02)
        k.put("a", ["new1"])
        let third = Recorder()
        try run(k, third, from: .atTimestamp(cut)).awaitTermination()
        #expect(third.rows.withLock { $0.map(\.data) } == ["new1"])
    }

    @Test func kplAggregatesBecomeOneRowPerUserRecord() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let k = FakeKinesis(shards: ["a"])
        k.put("a", ["plain-0"])
        k.put("a", [], data: [KPLAggregationTests.aggregate(partitionKeys: ["pk"], hashKeys: [], records: ["u0", "u1", "u2"].map { KPLAggregationTests.UserRecord(pk: 0, data: Array($0.utf8)) })])
        k.put("a", ["plain-1"])
        let recorder = Recorder()
        try run(k, recorder, maxRecords: 100).awaitTermination()
        #expect(recorder.rows.withLock { $0.map(\.data) } == ["plain-0", "u0", "u1", "u2", "plain-1"])
    }
}
