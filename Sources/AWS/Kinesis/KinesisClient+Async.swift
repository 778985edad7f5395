/// The async forms of `KinesisClient`'s calls: they wait without holding a thread.
extension KinesisClient {
    public func listShardsPage(stream: String, nextToken: String? = nil, maxResults: Int? = nil) async throws -> (shards: [KinesisShard], nextToken: String?) {
        try await core.run(try listShardsCall(stream, nextToken, maxResults))
    }

    public func getShardIterator(stream: String, shardId: String, position: ShardIteratorPosition) async throws -> ShardIterator {
        try await core.run(try getShardIteratorCall(stream, shardId, position))
    }

    public func getRecords(_ iterator: ShardIterator, limit: Int? = nil) async throws -> KinesisRecordBatch {
        try await core.run(try getRecordsCall(iterator, limit))
    }

    public func describeStreamSummary(stream: String) async throws -> KinesisStreamSummary {
        try await core.run(try describeStreamSummaryCall(stream))
    }
}
