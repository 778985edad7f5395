import Foundation
import Testing

import AWSTestSupport
@testable import AWS

/// Retries against moto behind a proxy that fails chosen requests: throttling, 5xx, a hung
/// server and a reset connection are retried within the attempt budget, with fresh signatures;
/// beyond it the error names the operation, the code and the attempts. Serialized: the proxy's
/// fault list is shared.
@Suite(.serialized, .motoServerWithFaultProxy, .enabled(if: Moto.available, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct RetryTests {
    func viaProxy(attempts: Int, timeout: Duration = .seconds(10)) throws -> AWSConfiguration {
        var config = try Moto.configuration(retry: fastRetry(attempts), port: try FaultProxy.current.port)
        config.requestTimeout = timeout
        return config
    }

    func bucket() throws -> String {
        let name = "retry-" + UUID().uuidString.lowercased().prefix(12)
        try S3Client(configuration: try Moto.configuration()).createBucket(name)
        return name
    }

    func stream() throws -> String {
        let name = "retry-\(UUID().uuidString.prefix(8))"
        _ = try Boto.run("""
            k = client("kinesis")
            k.create_stream(StreamName=args["stream"], ShardCount=1)
            k.put_records(StreamName=args["stream"], Records=[{"Data": b"r%d" % i, "PartitionKey": "p"} for i in range(5)])
            done(True)
            """, endpoint: try Moto.url, args: ["stream": name])
        return name
    }

    @Test func kinesisThroughputExceededIsRetriedUntilItPasses() throws {
        let name = try stream()
        let k = KinesisClient(configuration: try viaProxy(attempts: 5))
        let iterator = try k.getShardIterator(stream: name, shardId: "shardId-000000000000", position: .trimHorizon)
        try FaultProxy.arm(["throughput", "throughput", "throttling"])
        let batch = try k.getRecords(iterator)
        #expect(batch.records.map { String(decoding: $0.data, as: UTF8.self) } == (0..<5).map { "r\($0)" })
        #expect(try FaultProxy.counts() == (faulted: 3, forwarded: 1))
    }

    @Test func throttlingOnEveryAttemptFailsWithTheCode() throws {
        let name = try stream()
        let k = KinesisClient(configuration: try viaProxy(attempts: 3))
        try FaultProxy.arm(Array(repeating: "throughput", count: 5))
        let error = try #require(throws: AWSError.self) {
            try k.getShardIterator(stream: name, shardId: "shardId-000000000000", position: .latest)
        }
        #expect(error.kind == .throttled)
        #expect(error.code == "ProvisionedThroughputExceededException")
        #expect(error.attempts == 3)
        #expect(error.description.contains("Kinesis.GetShardIterator on stream \(name) shard shardId-000000000000"))
        #expect(try FaultProxy.counts() == (faulted: 3, forwarded: 0))
    }

    @Test func s3ServerErrorsAreRetried() throws {
        let b = try bucket()
        let s3 = S3Client(configuration: try viaProxy(attempts: 5))
        try FaultProxy.arm(["500", "502", "503", "504"])
        try s3.putObject(bucket: b, key: "k", body: Array("v".utf8))
        #expect(try FaultProxy.counts() == (faulted: 4, forwarded: 1))
        try FaultProxy.arm(["503"])
        #expect(try s3.getObject(bucket: b, key: "k").body == Array("v".utf8))
        #expect(try FaultProxy.counts() == (faulted: 1, forwarded: 1))
    }

    @Test func slowDownBeyondTheBudgetFailsAsThrottled() throws {
        let b = try bucket()
        let s3 = S3Client(configuration: try viaProxy(attempts: 2))
        try FaultProxy.arm(["503", "503", "503"])
        let error = try #require(throws: AWSError.self) { try s3.listObjects(bucket: b, prefix: "x/") }
        #expect(error.kind == .throttled)
        #expect(error.code == "SlowDown")
        #expect(error.statusCode == 503)
        #expect(error.attempts == 2)
        #expect(error.resource == "s3://\(b)/x/")
    }

    @Test func aTimedOutAttemptIsRetried() throws {
        let b = try bucket()
        let s3 = S3Client(configuration: try viaProxy(attempts: 3, timeout: .seconds(1)))
        try FaultProxy.arm(["hang"])
        let start = Date()
        try s3.putObject(bucket: b, key: "k", body: [1, 2, 3])
        #expect(Date().timeIntervalSince(start) >= 0.9)
        #expect(try FaultProxy.counts() == (faulted: 1, forwarded: 1))
    }

    @Test func aResetConnectionIsRetried() async throws {
        let b = try bucket()
        let s3 = S3Client(configuration: try viaProxy(attempts: 4))
        try FaultProxy.arm(["reset", "reset"])
        try await s3.putObject(bucket: b, key: "k", body: [7])
        #expect(try await s3.getObject(bucket: b, key: "k").body == [7])
        #expect(try FaultProxy.counts() == (faulted: 2, forwarded: 2))
    }

    /// What URLSession puts on the wire must be the path and query that were signed: a
    /// transport that decoded `%2B` or re-encoded `~` would break every signature on real S3
    /// (moto does not check signatures).
    @Test func theWireCarriesExactlyTheSignedPathQueryAndHeaders() throws {
        let s3 = S3Client(configuration: try viaProxy(attempts: 1))
        let key = "dir/a b+c=ü~!'()*&%.json"
        try FaultProxy.arm(["echo"])
        let echoed = String(decoding: try s3.getObject(bucket: "bucket", key: key).body, as: UTF8.self)
        let lines = echoed.split(separator: "\n").map(String.init)
        #expect(lines.first == "GET /bucket/" + URIEncoding.encode(key, keepSlash: true) + " HTTP/1.1")
        #expect(lines.first == "GET /bucket/dir/a%20b%2Bc%3D%C3%BC~%21%27%28%29%2A%26%25.json HTTP/1.1")
        let headers = Dictionary(lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(colon, offsetBy: 2)...]))
        }, uniquingKeysWith: { a, _ in a })
        let signed = try #require(headers["authorization"]?.split(separator: ",").first { $0.contains("SignedHeaders=") })
        for name in signed.split(separator: "=")[1].split(separator: ";") {
            #expect(headers[String(name)] != nil, "signed header \(name) reached the server")
        }
        #expect(headers["host"] == "127.0.0.1:\(try FaultProxy.current.port)")

        // A query as ListObjectsV2 sends it, straight through the transport.
        let query = URIEncoding.canonicalQuery([("prefix", "a b/"), ("start-after", "a b/x+y"), ("continuation-token", "t/+="), ("list-type", "2")])
        #expect(query == "continuation-token=t%2F%2B%3D&list-type=2&prefix=a%20b%2F&start-after=a%20b%2Fx%2By")
        try FaultProxy.arm(["echo"])
        let request = HTTPRequest(
            endpoint: AWSEndpoint(scheme: "http", host: "127.0.0.1", port: try FaultProxy.current.port), method: "GET",
            path: "/bucket", encodedQuery: query, headers: [], body: [], timeout: .seconds(10))
        let response = try URLSessionTransport().sendBlocking(request).get()
        #expect(String(decoding: response.body, as: UTF8.self).split(separator: "\n").first == "GET /bucket?\(query) HTTP/1.1")
    }

    @Test func unreachableEndpointFailsAsTransportAfterTheAttempts() throws {
        var config = try Moto.configuration(retry: fastRetry(3), port: try LocalServer.freePort())
        config.requestTimeout = .seconds(5)
        let error = try #require(throws: AWSError.self) { try S3Client(configuration: config).headObject(bucket: "b", key: "k") }
        #expect(error.kind == .transport)
        #expect(error.attempts == 3)
        #expect(error.description.contains("S3.HeadObject on s3://b/k failed"))
    }

    /// The first attempt is written by the server but its answer is lost (503 after
    /// forwarding); the retry then finds the key taken. The error says the object may be this
    /// call's own write.
    @Test func putIfAbsentAfterALostAnswerIsFlaggedAmbiguous() throws {
        let b = try bucket()
        let s3 = S3Client(configuration: try viaProxy(attempts: 3))
        try FaultProxy.arm(["forward-then-503"])
        let error = try #require(throws: AWSError.self) {
            try s3.putObject(bucket: b, key: "_delta_log/00000000000000000007.json", body: Array("mine".utf8), condition: .ifAbsent)
        }
        #expect(error.kind == .alreadyExists)
        #expect(error.earlierAttemptUnresolved)
        #expect(error.attempts == 2)
        #expect(try s3.getObject(bucket: b, key: "_delta_log/00000000000000000007.json").body == Array("mine".utf8))
    }
}
