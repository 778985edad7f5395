import Foundation

/// A shard as ListShards describes it.
public struct KinesisShard: Sendable, Hashable {
    public var shardId: String
    /// The shard this one was split from, or one of the two it was merged from.
    public var parentShardId: String?
    /// The other shard of a merge.
    public var adjacentParentShardId: String?
    /// Decimal strings of 128-bit hash keys (compare with `SequenceNumber` if needed).
    public var startingHashKey: String
    public var endingHashKey: String
    public var startingSequenceNumber: SequenceNumber
    /// Set once the shard is closed (split or merged): no record comes after it.
    public var endingSequenceNumber: SequenceNumber?

    public var isClosed: Bool { endingSequenceNumber != nil }
    /// The parents present, in the order AWS lists them.
    public var parentIds: [String] { [parentShardId, adjacentParentShardId].compactMap { $0 } }

    public init(
        shardId: String, parentShardId: String? = nil, adjacentParentShardId: String? = nil, startingHashKey: String = "0",
        endingHashKey: String = "340282366920938463463374607431768211455", startingSequenceNumber: SequenceNumber,
        endingSequenceNumber: SequenceNumber? = nil
    ) {
        self.shardId = shardId
        self.parentShardId = parentShardId
        self.adjacentParentShardId = adjacentParentShardId
        self.startingHashKey = startingHashKey
        self.endingHashKey = endingHashKey
        self.startingSequenceNumber = startingSequenceNumber
        self.endingSequenceNumber = endingSequenceNumber
    }
}

/// Where GetShardIterator starts reading a shard.
public enum ShardIteratorPosition: Sendable, Hashable {
    /// The oldest record still retained.
    case trimHorizon
    /// Just after the newest record: only records put from now on.
    case latest
    case atSequenceNumber(SequenceNumber)
    case afterSequenceNumber(SequenceNumber)
    /// The first record that arrived at or after the time.
    case atTimestamp(Date)
}

/// A record as GetRecords returns it. `data` is the raw payload (a KPL-aggregated record still
/// aggregated; see `KPLAggregation`).
public struct KinesisRecord: Sendable, Hashable {
    public var data: [UInt8]
    public var partitionKey: String
    public var sequenceNumber: SequenceNumber
    public var approximateArrivalTimestamp: Date?

    public init(data: [UInt8], partitionKey: String, sequenceNumber: SequenceNumber, approximateArrivalTimestamp: Date? = nil) {
        self.data = data
        self.partitionKey = partitionKey
        self.sequenceNumber = sequenceNumber
        self.approximateArrivalTimestamp = approximateArrivalTimestamp
    }
}

/// One GetRecords answer.
public struct KinesisRecordBatch: Sendable {
    public var records: [KinesisRecord]
    /// Nil when the shard is closed and read to its end: move on to its children.
    public var nextShardIterator: ShardIterator?
    /// How far this read is behind the shard's newest record; 0 = caught up.
    public var millisBehindLatest: Int64?
    /// Given at the end of a closed shard: the shards that continue it.
    public var childShardIds: [String]
}

/// DescribeStreamSummary's answer.
public struct KinesisStreamSummary: Sendable {
    public var streamName: String
    public var streamARN: String
    /// CREATING, DELETING, ACTIVE or UPDATING.
    public var status: String
    public var openShardCount: Int
    public var retentionPeriodHours: Int
    public var creationTimestamp: Date?
}
