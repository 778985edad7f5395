import AWS
import Streaming

/// A Kinesis data stream as a query describes it: `readStream.format(.kinesis(stream:))...load()`.
public struct KinesisSourceProvider: SourceProvider {
    /// The raw data column (`KinesisDataFormat.raw`).
    public static let dataColumn = "data"
    public static let partitionKeyColumn = "partition_key"
    public static let shardIdColumn = "shard_id"
    /// The Kinesis record's sequence number, as a decimal string (user records of one KPL
    /// aggregate share it).
    public static let sequenceNumberColumn = "sequence_number"
    /// When Kinesis accepted the record (`ApproximateArrivalTimestamp`); usable as event time.
    public static let arrivalTimeColumn = "arrival_time"

    public let options: KinesisSourceOptions
    public let schema: Schema

    /// Checks the options and derives the schema (no call to AWS).
    public init(options: KinesisSourceOptions) throws {
        guard options.maxRecordsPerShard > 0, options.maxBytesPerShard > 0 else {
            throw KinesisSourceError.invalidOption("maxRecordsPerShard and maxBytesPerShard must be positive")
        }
        self.options = options
        schema = try KinesisRecordDecoder(options: options).schema
    }

    /// The stream's name (or ARN): offsets only mean something for that stream. Region and
    /// endpoint are left out, so a checkpoint survives a new endpoint address (a proxy, say).
    public func identity() throws -> SourceIdentity {
        SourceIdentity(format: "kinesis", path: options.stream)
    }

    public func makeSource(metadataPath: String) throws -> any StreamSource {
        try KinesisStreamSource(options: options, metadataPath: metadataPath)
    }

    /// The live source, for code that drives it outside a query (tools, tests).
    public func makeKinesisSource(metadataPath: String) throws -> KinesisStreamSource {
        try KinesisStreamSource(options: options, metadataPath: metadataPath)
    }
}
