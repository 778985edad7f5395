import AWS

/// The Kinesis calls the source makes: `KinesisClient` on the wire, or an in-memory stream in
/// tests that need what moto does not do (trimming past retention, iterators that expire,
/// closed shards that end).
public protocol KinesisReading: Sendable {
    /// Every shard of the stream still within retention, open and closed.
    func listShards(stream: String) throws -> [KinesisShard]
    func getShardIterator(stream: String, shardId: String, position: ShardIteratorPosition) throws -> ShardIterator
    func getRecords(_ iterator: ShardIterator, limit: Int?) throws -> KinesisRecordBatch
}

extension KinesisClient: KinesisReading {}
