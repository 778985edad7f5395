import KinesisSource
import Streaming

/// The table `sluice ingest` writes: one row per record (per line, for files).
public enum RawTable {
    public static let data = "data"
    public static let partitionKey = "partition_key"
    public static let shardId = "shard_id"
    public static let sequenceNumber = "sequence_number"
    public static let arrivalTime = "arrival_time"
    /// The partition column: the UTC day of `arrival_time`, or of the `--date-field` timestamp.
    public static let date = "date"

    /// What the source gives before `date` is added.
    public static let sourceSchema = Schema([
        Field(data, .string),
        Field(partitionKey, .string),
        Field(shardId, .string),
        Field(sequenceNumber, .string),
        Field(arrivalTime, .timestamp),
    ])

    public static let schema = Schema(sourceSchema.fields + [Field(date, .date)])
}
