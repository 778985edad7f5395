import Foundation

/// A position in a shard to read from, as GetShardIterator and GetRecords hand it out. It
/// expires five minutes after it was issued (`AWSError.Kind.expiredIterator`): get a new one at
/// the last sequence number read.
public struct ShardIterator: Sendable, Hashable {
    public var value: String
    public var stream: String
    public var shardId: String
}

/// Kinesis Data Streams over its JSON 1.1 protocol (`X-Amz-Target: Kinesis_20131202.<Op>`).
/// Every call comes synchronous (the calling thread waits) and async (`KinesisClient+Async.swift`);
/// both retry throttling (`ProvisionedThroughputExceededException`, `LimitExceededException`),
/// 5xx and timeouts per `configuration.retry`. A `stream` argument is a stream name or ARN.
public final class KinesisClient: Sendable {
    public let configuration: AWSConfiguration
    let core: ServiceCore

    public init(configuration: AWSConfiguration, transport: any HTTPTransport = URLSessionTransport()) {
        self.configuration = configuration
        self.core = ServiceCore(configuration: configuration, signingName: "kinesis", transport: transport, parseError: KinesisClient.parseError)
    }

    /// A client configured from the environment and shared files (`AWSConfiguration.resolve`).
    public convenience init(environment: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil) throws {
        self.init(configuration: try AWSConfiguration.resolve(service: "kinesis", environment: environment, profile: profile))
    }

    /// Every shard of the stream, open and closed (those still within retention), following
    /// ListShards' pages.
    public func listShards(stream: String) throws -> [KinesisShard] {
        var shards: [KinesisShard] = []
        var token: String?
        repeat {
            let page = try listShardsPage(stream: stream, nextToken: token)
            shards += page.shards
            token = page.nextToken
        } while token != nil
        return shards
    }

    /// One page of ListShards; pass `nextToken` from the previous page to continue.
    public func listShardsPage(stream: String, nextToken: String? = nil, maxResults: Int? = nil) throws -> (shards: [KinesisShard], nextToken: String?) {
        try core.run(try listShardsCall(stream, nextToken, maxResults))
    }

    public func getShardIterator(stream: String, shardId: String, position: ShardIteratorPosition) throws -> ShardIterator {
        try core.run(try getShardIteratorCall(stream, shardId, position))
    }

    /// Up to `limit` records (at most 10 000) from the iterator's position, and where to go on.
    public func getRecords(_ iterator: ShardIterator, limit: Int? = nil) throws -> KinesisRecordBatch {
        try core.run(try getRecordsCall(iterator, limit))
    }

    public func describeStreamSummary(stream: String) throws -> KinesisStreamSummary {
        try core.run(try describeStreamSummaryCall(stream))
    }
}
