import Foundation
import Testing

@testable import AWS

/// Error mapping, retries and answers moto does not produce, against a transport that replays
/// canned HTTP answers.
@Suite struct CannedResponseTests {
    func kinesis(_ answers: [CannedTransport.Answer], attempts: Int = 3) -> (KinesisClient, CannedTransport) {
        let t = CannedTransport(answers)
        let config = AWSConfiguration(region: "eu-west-1", credentials: testCredentials, retry: fastRetry(attempts))
        return (KinesisClient(configuration: config, transport: t), t)
    }

    func s3(_ answers: [CannedTransport.Answer], attempts: Int = 3) -> (S3Client, CannedTransport) {
        let t = CannedTransport(answers)
        let config = AWSConfiguration(region: "eu-west-1", credentials: testCredentials, retry: fastRetry(attempts))
        return (S3Client(configuration: config, transport: t), t)
    }

    let iterator = ShardIterator(value: "it-1", stream: "orders", shardId: "shardId-000000000001")

    @Test func closedShardAtItsEndHasNoNextIterator() throws {
        let body = """
            {"Records":[{"Data":"aGVsbG8=","PartitionKey":"p","SequenceNumber":"49590338271490256608559692538361571095921575989136588898",
            "ApproximateArrivalTimestamp":1795600801.25}],"MillisBehindLatest":0,
            "ChildShards":[{"ShardId":"shardId-000000000002","ParentShards":["shardId-000000000001"],"HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"1"}}]}
            """
        let (client, transport) = kinesis([.response(200, [:], body)])
        let batch = try client.getRecords(iterator, limit: 100)
        #expect(batch.nextShardIterator == nil)
        #expect(batch.childShardIds == ["shardId-000000000002"])
        #expect(batch.millisBehindLatest == 0)
        #expect(batch.records == [KinesisRecord(
            data: Array("hello".utf8), partitionKey: "p", sequenceNumber: SequenceNumber("49590338271490256608559692538361571095921575989136588898")!,
            approximateArrivalTimestamp: Date(timeIntervalSince1970: 1_795_600_801.25))])
        let sent = transport.requests[0]
        #expect(sent.url == "https://kinesis.eu-west-1.amazonaws.com/")
        #expect(sent.headers.contains { $0.0 == "x-amz-target" && $0.1 == "Kinesis_20131202.GetRecords" })
        #expect(sent.headers.contains { $0.0 == "authorization" && $0.1.contains("/eu-west-1/kinesis/aws4_request") })
        let json = try JSONSerialization.jsonObject(with: Data(sent.body)) as! [String: Any]
        #expect(json["ShardIterator"] as? String == "it-1")
        #expect(json["Limit"] as? Int == 100)
    }

    @Test func listShardsFollowsNextTokenWithoutTheStreamName() throws {
        let shard = #"{"ShardId":"shardId-00000000000@","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"9"},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}"#
        let (client, transport) = kinesis([
            .response(200, [:], #"{"Shards":["# + shard.replacingOccurrences(of: "@", with: "0") + #"],"NextToken":"t1"}"#),
            .response(200, [:], #"{"Shards":["# + shard.replacingOccurrences(of: "@", with: "1") + #"],"NextToken":"t2"}"#),
            .response(200, [:], #"{"Shards":[]}"#),
        ])
        #expect(try client.listShards(stream: "orders").map(\.shardId) == ["shardId-000000000000", "shardId-000000000001"])
        let bodies = try transport.requests.map { try JSONSerialization.jsonObject(with: Data($0.body)) as! [String: String] }
        // AWS refuses StreamName together with NextToken.
        #expect(bodies == [["StreamName": "orders"], ["NextToken": "t1"], ["NextToken": "t2"]])
    }

    @Test func expiredIteratorIsTypedAndNotRetried() throws {
        let (client, transport) = kinesis([.response(400, [:], #"{"__type":"ExpiredIteratorException","message":"Iterator expired"}"#)])
        let error = try #require(throws: AWSError.self) { try client.getRecords(iterator) }
        #expect(error.kind == .expiredIterator)
        #expect(error.attempts == 1)
        #expect(transport.requests.count == 1)
        #expect(error.description.contains("Kinesis.GetRecords on stream orders shard shardId-000000000001"))
        #expect(error.description.contains("ExpiredIteratorException: Iterator expired"))
    }

    @Test func resourceNotFoundWithNamespacedType() throws {
        let (client, _) = kinesis([.response(400, [:], #"{"__type":"com.amazonaws.kinesis.v20131202#ResourceNotFoundException","message":"Stream x not found"}"#)])
        let error = try #require(throws: AWSError.self) { try client.describeStreamSummary(stream: "x") }
        #expect(error.kind == .notFound)
        #expect(error.code == "ResourceNotFoundException")
    }

    @Test func throughputExceededIsRetriedThenSucceeds() throws {
        let throttled = CannedTransport.Answer.response(400, [:], #"{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded"}"#)
        let (client, transport) = kinesis([throttled, throttled, .response(200, [:], #"{"Records":[],"NextShardIterator":"it-2","MillisBehindLatest":5}"#)])
        let batch = try client.getRecords(iterator)
        #expect(batch.nextShardIterator?.value == "it-2")
        #expect(batch.nextShardIterator?.shardId == iterator.shardId)
        #expect(transport.requests.count == 3)
        // Each attempt is signed anew.
        #expect(transport.requests.allSatisfy { r in r.headers.filter { $0.0 == "authorization" }.count == 1 })
    }

    @Test func throttlingOnEveryAttemptFailsAsThrottled() throws {
        let (client, transport) = kinesis([.response(400, [:], #"{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded"}"#)], attempts: 4)
        let error = try #require(throws: AWSError.self) { try client.getRecords(iterator) }
        #expect(error.kind == .throttled)
        #expect(error.attempts == 4)
        #expect(transport.requests.count == 4)
        #expect(!error.earlierAttemptUnresolved)
    }

    @Test func errorTypeFromHeaderWhenBodyHasNone() throws {
        let (client, _) = kinesis([.response(400, ["x-amzn-errortype": "ExpiredIteratorException:http://internal.amazon.com/"], "")])
        #expect(throws: AWSError.self) { try client.getRecords(iterator) }
        let error = try #require(throws: AWSError.self) { try client.getRecords(iterator) }
        #expect(error.kind == .expiredIterator)
    }

    @Test func putIfAbsentConflictIsAlreadyExists() throws {
        let (client, _) = s3([.response(412, ["x-amz-request-id": "R1"],
            "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>")])
        let error = try #require(throws: AWSError.self) {
            try client.putObject(bucket: "b", key: "t/_delta_log/1.json", body: [1], condition: .ifAbsent)
        }
        #expect(error.kind == .alreadyExists)
        #expect(error.requestId == "R1")
        #expect(error.description.contains("S3.PutObject on s3://b/t/_delta_log/1.json failed: HTTP 412 PreconditionFailed"))
    }

    @Test func alreadyExistsAfterAnUnansweredAttemptSaysSo() throws {
        let (client, transport) = s3([.failure(.timedOut), .response(412, [:], "<Error><Code>PreconditionFailed</Code><Message>m</Message></Error>")])
        let error = try #require(throws: AWSError.self) {
            try client.putObject(bucket: "b", key: "k", body: [1], condition: .ifAbsent)
        }
        #expect(transport.requests.count == 2)
        #expect(error.kind == .alreadyExists)
        #expect(error.earlierAttemptUnresolved)
        #expect(error.description.contains("may be this call's own write"))
    }

    @Test func conditionalRequestConflictIsRetried() throws {
        let (client, transport) = s3([
            .response(409, [:], "<Error><Code>ConditionalRequestConflict</Code><Message>busy</Message></Error>"),
            .response(200, ["etag": "\"e1\""], ""),
        ])
        #expect(try client.putObject(bucket: "b", key: "k", body: [1], condition: .ifAbsent) == "e1")
        #expect(transport.requests.count == 2)
    }

    @Test func completeMultipartErrorInsideA200IsRetried() throws {
        let (client, transport) = s3([
            .response(200, [:], "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code><Message>try again</Message></Error>"),
            .response(200, [:], "<CompleteMultipartUploadResult><ETag>\"abc-2\"</ETag></CompleteMultipartUploadResult>"),
        ])
        let etag = try client.completeMultipartUpload(bucket: "b", key: "k", uploadId: "u", parts: [S3UploadedPart(partNumber: 1, eTag: "x")])
        #expect(etag == "abc-2")
        #expect(transport.requests.count == 2)
        let body = String(decoding: transport.requests[0].body, as: UTF8.self)
        #expect(body.contains("<Part><PartNumber>1</PartNumber><ETag>\"x\"</ETag></Part>"))
    }

    @Test func completingAnAbortedUploadIsNotFound() throws {
        let (client, transport) = s3([.response(404, [:], "<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>")])
        let error = try #require(throws: AWSError.self) {
            try client.completeMultipartUpload(bucket: "b", key: "k", uploadId: "u", parts: [S3UploadedPart(partNumber: 1, eTag: "x")])
        }
        #expect(error.kind == .notFound)
        #expect(transport.requests.count == 1)
    }

    @Test func headObjectOfMissingKeyIsNil() throws {
        let (client, _) = s3([.response(404, [:], "")])
        #expect(try client.headObject(bucket: "b", key: "k") == nil)
    }

    @Test func getOfMissingKeyIsNotFound() throws {
        let (client, _) = s3([.response(404, [:], "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>")])
        let error = try #require(throws: AWSError.self) { try client.getObject(bucket: "b", key: "k") }
        #expect(error.kind == .notFound)
        #expect(error.code == "NoSuchKey")
    }

    @Test func truncatedBodyIsNeverReturned() throws {
        let (client, _) = s3([.response(200, ["content-length": "10"], "12345")])
        let error = try #require(throws: AWSError.self) { try client.getObject(bucket: "b", key: "k") }
        #expect(error.kind == .invalidResponse)
    }

    @Test func accessDeniedSaysWhatToCheck() throws {
        let (client, transport) = s3([.response(403, [:], "<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>")])
        let error = try #require(throws: AWSError.self) { try client.getObject(bucket: "b", key: "k") }
        #expect(error.kind == .accessDenied)
        #expect(transport.requests.count == 1)
        #expect(error.description.contains("check the credentials"))
    }

    @Test func serverErrorsAreRetriedAndReportedWithAttempts() throws {
        let (client, transport) = s3([.response(503, [:], "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")], attempts: 3)
        let error = try #require(throws: AWSError.self) { try client.getObject(bucket: "b", key: "k") }
        #expect(error.kind == .throttled)
        #expect(error.attempts == 3)
        #expect(transport.requests.count == 3)
        #expect(error.description.contains("(3 attempts"))
    }

    @Test func virtualHostedAddressingWithoutOverridePathStyleWith() throws {
        let (client, transport) = s3([.response(200, ["content-length": "1"], "x")])
        _ = try client.getObject(bucket: "bucket", key: "a b/c.json")
        #expect(transport.requests[0].url == "https://bucket.s3.eu-west-1.amazonaws.com/a%20b/c.json")
        let t = CannedTransport([.response(200, ["content-length": "1"], "x")])
        let config = AWSConfiguration(region: "eu-west-1", credentials: testCredentials, endpoint: AWSEndpoint(scheme: "http", host: "127.0.0.1", port: 9000))
        _ = try S3Client(configuration: config, transport: t).getObject(bucket: "bucket", key: "a b/c.json")
        #expect(t.requests[0].url == "http://127.0.0.1:9000/bucket/a%20b/c.json")
        #expect(t.requests[0].headers.contains { $0.0 == "host" && $0.1 == "127.0.0.1:9000" })
    }

    @Test func unsignedPayloadSendsContentMD5() throws {
        let t = CannedTransport([.response(200, ["etag": "\"e\""], "")])
        let config = AWSConfiguration(region: "eu-west-1", credentials: testCredentials)
        try S3Client(configuration: config, transport: t, signPayload: false).putObject(bucket: "bucket", key: "k", body: Array("abc".utf8))
        let headers = Dictionary(t.requests[0].headers, uniquingKeysWith: { a, _ in a })
        #expect(headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD")
        #expect(headers["content-md5"] == "kAFQmDzST7DWlj99KOF/cg==")
    }

    @Test func asyncCallsRetryToo() async throws {
        let (client, transport) = kinesis([.failure(.networkConnectionLost), .response(200, [:], #"{"ShardIterator":"it-9"}"#)])
        let it = try await client.getShardIterator(stream: "orders", shardId: "shardId-000000000000", position: .atSequenceNumber(SequenceNumber("42")!))
        #expect(it.value == "it-9")
        #expect(transport.requests.count == 2)
        let json = try JSONSerialization.jsonObject(with: Data(transport.requests[1].body)) as! [String: Any]
        #expect(json["ShardIteratorType"] as? String == "AT_SEQUENCE_NUMBER")
        #expect(json["StartingSequenceNumber"] as? String == "42")
    }

    @Test func iteratorPositionsOnTheWire() throws {
        let positions: [(ShardIteratorPosition, String, String?, Double?)] = [
            (.trimHorizon, "TRIM_HORIZON", nil, nil), (.latest, "LATEST", nil, nil),
            (.afterSequenceNumber(SequenceNumber("7")!), "AFTER_SEQUENCE_NUMBER", "7", nil),
            (.atTimestamp(Date(timeIntervalSince1970: 1_795_600_801.5)), "AT_TIMESTAMP", nil, 1_795_600_801.5),
        ]
        for (position, type, seq, ts) in positions {
            let (client, transport) = kinesis([.response(200, [:], #"{"ShardIterator":"i"}"#)])
            _ = try client.getShardIterator(stream: "arn:aws:kinesis:eu-west-1:123:stream/orders", shardId: "s", position: position)
            let json = try JSONSerialization.jsonObject(with: Data(transport.requests[0].body)) as! [String: Any]
            #expect(json["ShardIteratorType"] as? String == type)
            #expect(json["StartingSequenceNumber"] as? String == seq)
            #expect(json["Timestamp"] as? Double == ts)
            #expect(json["StreamARN"] as? String == "arn:aws:kinesis:eu-west-1:123:stream/orders")
            #expect(json["StreamName"] == nil)
        }
    }

    @Test func argumentsAWSWouldRefuseFailBeforeSending() async throws {
        let (s3Client, s3Transport) = s3([.response(200, [:], "")])
        let negative = try #require(throws: AWSError.self) { try s3Client.getObject(bucket: "b", key: "k", range: -5..<10) }
        #expect(negative.kind == .invalidRequest)
        #expect(negative.description.contains("(not sent)"))
        let part = try #require(throws: AWSError.self) { try s3Client.uploadPart(bucket: "b", key: "k", uploadId: "u", partNumber: 0, body: [1]) }
        #expect(part.kind == .invalidRequest)
        let small = try #require(throws: AWSError.self) { try s3Client.putObjectMultipart(bucket: "b", key: "k", body: [1], partSize: 1024) }
        #expect(small.kind == .invalidRequest)
        #expect(s3Transport.requests.isEmpty)
        let (k, kTransport) = kinesis([.response(200, [:], "{}")])
        await #expect(throws: AWSError.self) {
            try await k.getShardIterator(stream: "s", shardId: "x", position: .atTimestamp(Date(timeIntervalSince1970: .nan)))
        }
        #expect(kTransport.requests.isEmpty)
    }

    @Test func retryPolicyBackoffIsCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(2))
        #expect(policy.backoffCeiling(afterAttempt: 1) == .milliseconds(100))
        #expect(policy.backoffCeiling(afterAttempt: 3) == .milliseconds(400))
        #expect(policy.backoffCeiling(afterAttempt: 9) == .seconds(2))
        var rng = SystemRandomNumberGenerator()
        let delays = (0..<200).map { _ in policy.delay(afterAttempt: 3, using: &rng) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(400) })
        #expect(Set(delays).count > 100)  // spread out, not one fixed wait
    }
}
