import Foundation
import AWS
import Streaming

/// How the source turns a record's data into rows.
public enum KinesisDataFormat: Sendable, Equatable {
    /// One row per user record, its data as the string column `data` (UTF-8; data that is not
    /// valid UTF-8 is a malformed record).
    case raw
    /// Each record holds one or more JSON lines, read by the JSON-lines reader with the schema.
    case jsonLines
    /// Each record holds one or more CSV lines without a header; the fields are the schema's
    /// columns in order.
    case csv
}

/// The Kinesis source's settings (`readStream.format(.kinesis(...)).option(...)`).
public struct KinesisSourceOptions: Sendable {
    /// Stream name or ARN.
    public var stream: String
    /// Region and endpoint override; nil takes them from the environment (`AWS_REGION`,
    /// `AWS_ENDPOINT_URL_KINESIS`, `AWS_ENDPOINT_URL`) and the shared config file.
    public var region: String?
    public var endpoint: String?
    public var startingPosition: KinesisStartingPosition = .trimHorizon
    /// At most this many Kinesis records per shard in one batch (an aggregate counts as one).
    public var maxRecordsPerShard = 10_000
    /// At most about this many bytes of record data per shard in one batch (a record is never
    /// split, so one batch may pass it by one record).
    public var maxBytesPerShard = 10 << 20
    /// Fail the query when records it had not read are gone (as Spark's Kafka source does);
    /// off, the loss is reported in progress and through `onDataLoss`, and reading goes on.
    public var failOnDataLoss = true
    /// Called for each loss when `failOnDataLoss` is off (on the query's thread).
    public var onDataLoss: (@Sendable (KinesisSourceError) -> Void)?
    public var dataFormat: KinesisDataFormat = .raw
    /// The columns of `jsonLines` and `csv` data (ignored for `raw`).
    public var schema: Schema?
    /// Mode, corrupt-record column and line limits of the readers, as for files.
    public var reader = ReaderOptions()
    /// Where malformed records go, one file per batch and shard
    /// (`<path>/batch=<id>/<shard id>.json`); they are then left out of the stream whatever the mode.
    public var badRecordsPath: String?
    /// A client of your own (tests); nil makes a `KinesisClient` from the settings above.
    public var client: (any KinesisReading)?

    public init(stream: String, region: String? = nil, endpoint: String? = nil) {
        self.stream = stream
        self.region = region
        self.endpoint = endpoint
    }

    /// The reader options in effect: with `badRecordsPath`, malformed records are dropped from
    /// the rows (the source writes them there) instead of kept or failing the query.
    var effectiveReader: ReaderOptions {
        var r = reader
        if badRecordsPath != nil { r.mode = .dropMalformed }
        return r
    }

    /// The client the source reads with.
    func makeClient() throws -> any KinesisReading {
        if let client { return client }
        var environment = ProcessInfo.processInfo.environment
        if let region { environment["AWS_REGION"] = region }
        if let endpoint { environment["AWS_ENDPOINT_URL_KINESIS"] = endpoint }
        return KinesisClient(configuration: try AWSConfiguration.resolve(service: "kinesis", environment: environment))
    }
}

/// Options for `KinesisStreamReader.option(_:)`.
public enum KinesisSourceOption: Sendable {
    case startingPosition(KinesisStartingPosition)
    case maxRecordsPerShard(Int)
    case maxBytesPerShard(Int)
    case failOnDataLoss(Bool)
    case onDataLoss(@Sendable (KinesisSourceError) -> Void)
    case dataFormat(KinesisDataFormat)
    case mode(MalformedMode)
    case columnNameOfCorruptRecord(String?)
    case badRecordsPath(String)
    case maxLineBytes(Int)
    case delimiter(Unicode.Scalar)
    case client(any KinesisReading)

    func apply(to o: inout KinesisSourceOptions) {
        switch self {
        case .startingPosition(let p): o.startingPosition = p
        case .maxRecordsPerShard(let n): o.maxRecordsPerShard = n
        case .maxBytesPerShard(let n): o.maxBytesPerShard = n
        case .failOnDataLoss(let b): o.failOnDataLoss = b
        case .onDataLoss(let f): o.onDataLoss = f
        case .dataFormat(let f): o.dataFormat = f
        case .mode(let m): o.reader.mode = m
        case .columnNameOfCorruptRecord(let c): o.reader.corruptRecordColumn = c
        case .badRecordsPath(let p): o.badRecordsPath = p
        case .maxLineBytes(let n): o.reader.maxLineBytes = n
        case .delimiter(let d): o.reader.delimiter = d
        case .client(let c): o.client = c
        }
    }
}
