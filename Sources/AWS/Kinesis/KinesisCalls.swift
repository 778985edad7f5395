import Foundation

/// The wire structs name their fields as the API does, which shadows the type's own name.
private typealias SeqNo = SequenceNumber

/// How each Kinesis operation is put on the wire and read back (JSON 1.1; field names from the
/// Kinesis Data Streams API reference).
extension KinesisClient {
    var endpoint: AWSEndpoint {
        configuration.endpoint ?? AWSEndpoint(host: "kinesis.\(configuration.region).amazonaws.com")
    }

    func call<Request: Encodable, Wire: Decodable & Sendable, T>(
        _ operation: String, resource: String, _ request: Request, decode: @escaping @Sendable (Wire) throws -> T
    ) throws -> AWSCall<T> {
        let name = "Kinesis.\(operation)"
        let body: [UInt8]
        do {
            body = try Array(JSONEncoder().encode(request))
        } catch {
            // Only a non-finite number (a NaN timestamp) can fail to encode.
            throw AWSError(kind: .invalidRequest, operation: name, resource: resource, message: "\(error)", attempts: 0)
        }
        return AWSCall(
            operation: name, resource: resource, method: "POST", endpoint: endpoint, path: "/",
            headers: [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "Kinesis_20131202.\(operation)")],
            body: body, payloadHash: Hashing.sha256Hex(body)
        ) { response in
            let wire: Wire
            do {
                wire = try JSONDecoder().decode(Wire.self, from: Data(response.body))
            } catch {
                throw AWSError(kind: .invalidResponse, operation: name, resource: resource, statusCode: response.status,
                               message: "unreadable answer: \(error)", requestId: ServiceCore.requestId(response))
            }
            return try decode(wire)
        }
    }

    struct StreamRef: Encodable {
        var StreamName: String?
        var StreamARN: String?
        init(_ stream: String) {
            if stream.hasPrefix("arn:") { StreamARN = stream } else { StreamName = stream }
        }
    }

    func listShardsCall(_ stream: String, _ nextToken: String?, _ maxResults: Int?) throws -> AWSCall<(shards: [KinesisShard], nextToken: String?)> {
        struct Request: Encodable {
            var StreamName: String?
            var StreamARN: String?
            var NextToken: String?
            var MaxResults: Int?
        }
        struct HashRange: Decodable { var StartingHashKey: String; var EndingHashKey: String }
        struct SeqRange: Decodable { var StartingSequenceNumber: SeqNo; var EndingSequenceNumber: SeqNo? }
        struct Shard: Decodable {
            var ShardId: String
            var ParentShardId: String?
            var AdjacentParentShardId: String?
            var HashKeyRange: HashRange
            var SequenceNumberRange: SeqRange
        }
        struct Wire: Decodable, Sendable {
            var Shards: [Shard]
            var NextToken: String?
        }
        // With a NextToken, ListShards refuses the stream name: the token already names it.
        let ref = StreamRef(stream)
        let request = nextToken == nil
            ? Request(StreamName: ref.StreamName, StreamARN: ref.StreamARN, MaxResults: maxResults)
            : Request(NextToken: nextToken, MaxResults: maxResults)
        return try call("ListShards", resource: "stream \(stream)", request) { (w: Wire) in
            let shards = w.Shards.map {
                KinesisShard(
                    shardId: $0.ShardId, parentShardId: $0.ParentShardId, adjacentParentShardId: $0.AdjacentParentShardId,
                    startingHashKey: $0.HashKeyRange.StartingHashKey, endingHashKey: $0.HashKeyRange.EndingHashKey,
                    startingSequenceNumber: $0.SequenceNumberRange.StartingSequenceNumber,
                    endingSequenceNumber: $0.SequenceNumberRange.EndingSequenceNumber)
            }
            return (shards, w.NextToken.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    func getShardIteratorCall(_ stream: String, _ shardId: String, _ position: ShardIteratorPosition) throws -> AWSCall<ShardIterator> {
        struct Request: Encodable {
            var StreamName: String?
            var StreamARN: String?
            var ShardId: String
            var ShardIteratorType: String
            var StartingSequenceNumber: String?
            var Timestamp: Double?
        }
        struct Wire: Decodable, Sendable { var ShardIterator: String? }
        let ref = StreamRef(stream)
        var request = Request(StreamName: ref.StreamName, StreamARN: ref.StreamARN, ShardId: shardId, ShardIteratorType: "")
        switch position {
        case .trimHorizon: request.ShardIteratorType = "TRIM_HORIZON"
        case .latest: request.ShardIteratorType = "LATEST"
        case .atSequenceNumber(let n):
            request.ShardIteratorType = "AT_SEQUENCE_NUMBER"
            request.StartingSequenceNumber = n.digits
        case .afterSequenceNumber(let n):
            request.ShardIteratorType = "AFTER_SEQUENCE_NUMBER"
            request.StartingSequenceNumber = n.digits
        case .atTimestamp(let t):
            request.ShardIteratorType = "AT_TIMESTAMP"
            request.Timestamp = t.timeIntervalSince1970
        }
        let resource = "stream \(stream) shard \(shardId)"
        return try call("GetShardIterator", resource: resource, request) { (w: Wire) in
            guard let value = w.ShardIterator, !value.isEmpty else {
                throw AWSError(kind: .invalidResponse, operation: "Kinesis.GetShardIterator", resource: resource, message: "no ShardIterator in the answer")
            }
            return ShardIterator(value: value, stream: stream, shardId: shardId)
        }
    }

    func getRecordsCall(_ iterator: ShardIterator, _ limit: Int?) throws -> AWSCall<KinesisRecordBatch> {
        struct Request: Encodable {
            var ShardIterator: String
            var Limit: Int?
        }
        struct Record: Decodable {
            var Data: String
            var PartitionKey: String
            var SequenceNumber: SeqNo
            var ApproximateArrivalTimestamp: Double?
        }
        struct ChildShard: Decodable { var ShardId: String }
        struct Wire: Decodable, Sendable {
            var Records: [Record]
            var NextShardIterator: String?
            var MillisBehindLatest: Int64?
            var ChildShards: [ChildShard]?
        }
        let resource = "stream \(iterator.stream) shard \(iterator.shardId)"
        return try call("GetRecords", resource: resource, Request(ShardIterator: iterator.value, Limit: limit)) { (w: Wire) in
            let records = try w.Records.map { r in
                guard let data = Data(base64Encoded: r.Data) else {
                    throw AWSError(kind: .invalidResponse, operation: "Kinesis.GetRecords", resource: resource,
                                   message: "record \(r.SequenceNumber) has data that is not base64")
                }
                return KinesisRecord(
                    data: [UInt8](data), partitionKey: r.PartitionKey, sequenceNumber: r.SequenceNumber,
                    approximateArrivalTimestamp: r.ApproximateArrivalTimestamp.map { Date(timeIntervalSince1970: $0) })
            }
            let next = w.NextShardIterator.flatMap { $0.isEmpty ? nil : ShardIterator(value: $0, stream: iterator.stream, shardId: iterator.shardId) }
            return KinesisRecordBatch(
                records: records, nextShardIterator: next, millisBehindLatest: w.MillisBehindLatest,
                childShardIds: w.ChildShards?.map(\.ShardId) ?? [])
        }
    }

    func describeStreamSummaryCall(_ stream: String) throws -> AWSCall<KinesisStreamSummary> {
        struct Summary: Decodable {
            var StreamName: String
            var StreamARN: String
            var StreamStatus: String
            var OpenShardCount: Int
            var RetentionPeriodHours: Int
            var StreamCreationTimestamp: Double?
        }
        struct Wire: Decodable, Sendable { var StreamDescriptionSummary: Summary }
        return try call("DescribeStreamSummary", resource: "stream \(stream)", StreamRef(stream)) { (w: Wire) in
            let s = w.StreamDescriptionSummary
            return KinesisStreamSummary(
                streamName: s.StreamName, streamARN: s.StreamARN, status: s.StreamStatus, openShardCount: s.OpenShardCount,
                retentionPeriodHours: s.RetentionPeriodHours,
                creationTimestamp: s.StreamCreationTimestamp.map { Date(timeIntervalSince1970: $0) })
        }
    }

    /// `{"__type": "[namespace#]Code", "message": "..."}`, or the `x-amzn-ErrorType` header.
    static func parseError(_ response: HTTPResponse) -> (code: String?, message: String?) {
        var code: String?
        var message: String?
        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] {
            code = (object["__type"] as? String) ?? (object["code"] as? String)
            message = (object["message"] as? String) ?? (object["Message"] as? String)
        }
        if code == nil, let header = response.headers["x-amzn-errortype"] {
            code = String(header.split(separator: ":").first ?? "")
        }
        if let c = code, let hash = c.lastIndex(of: "#") { code = String(c[c.index(after: hash)...]) }
        if message == nil, !response.body.isEmpty { message = String(decoding: response.body.prefix(200), as: UTF8.self) }
        return (code.flatMap { $0.isEmpty ? nil : $0 }, message)
    }
}
