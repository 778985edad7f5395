import AWS
import AWSTestSupport
import Foundation
import S3Storage
import Testing

@testable import Streaming

/// Throttling, 5xx answers and lost answers between Sluice and S3 (a fault-injecting proxy in
/// front of moto): retried, and a query still writes every row exactly once.
@Suite(.motoServerWithFaultProxy, .serialized, .enabled(if: s3TestsEnabled, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct S3FaultTests {
    static let fastRetry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))

    /// The put-if-absent was applied but its answer lost (a 503 after forwarding): the retry
    /// finds the object, and since it holds the same bytes, the write is ours, not a lost race.
    @Test func aPutIfAbsentWhoseAnswerWasLostIsRecognisedAsOurs() throws {
        let bucket = try S3Bucket(port: try FaultProxy.current.port, retry: Self.fastRetry)
        let path = bucket.uri("_delta_log/00000000000000000000.json")
        try FaultProxy.arm(["forward-then-503"])
        #expect(try bucket.storage.createExclusively(path, Array("mine".utf8), role: .table))
        #expect(try FaultProxy.counts().faulted == 1)
        // Another writer's bytes after a lost answer: a lost race.
        try FaultProxy.arm(["forward-then-503"])
        #expect(try bucket.storage.createExclusively(path, Array("theirs".utf8), role: .table) == false)
        #expect(try bucket.storage.read(path) == Array("mine".utf8))
    }

    @Test func aQueryThroughThrottlingAnd5xxWritesEveryRowOnce() throws {
        let bucket = try S3Bucket(port: try FaultProxy.current.port, retry: Self.fastRetry)
        let dir = LocalDir()
        let table = bucket.uri("t"), checkpoint = bucket.uri("cp")
        try writeHundreds(dir, files: 0..<6)
        // Five of twelve requests fail (5xx, or applied and then answered 503), never two in a
        // row. No connection resets here: after a reset of a kept-alive connection, URLSession
        // on Linux lets the next attempts hang until the request timeout (measured: one PUT
        // 50 s with a 20 s timeout), which is the transport's problem, not the storage's;
        // `RetryTests.aResetConnectionIsRetried` covers resets on a fresh client.
        let pattern = ["pass", "503", "pass", "500", "pass", "forward-then-503", "502", "pass", "504", "pass", "pass", "503"]
        try FaultProxy.arm(Array(repeating: pattern, count: 40).flatMap { $0 })
        let query = try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .writeStream.format(.delta(table)).checkpointLocation(checkpoint).trigger(.availableNow).start()
        try query.awaitTermination()
        let faulted = try FaultProxy.counts().faulted
        try FaultProxy.arm([])
        #expect(faulted > 15)
        #expect(bucket.transport.slowRequests.isEmpty, "\(bucket.transport.slowRequests)")
        #expect(try deltaIds(table) == (0..<600).map(Int64.init))
        #expect(try DeltaRs.read(table).ids == (0..<600).map(Int64.init))
        #expect(try CheckpointInspector(checkpoint).status().lastCommittedBatch == 5)
    }
}
