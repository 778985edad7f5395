import Streaming

/// `readStream.format(.kinesis(stream: "logs", region: "eu-west-1"))`: a Kinesis data stream.
public struct KinesisFormat: Sendable {
    let stream: String
    let region: String?
    let endpoint: String?

    /// - Parameters:
    ///   - stream: the stream's name or ARN.
    ///   - region: nil takes it from `AWS_REGION` or the shared config file.
    ///   - endpoint: `http(s)://host[:port]` of a Kinesis-compatible service (tests, proxies);
    ///     nil takes `AWS_ENDPOINT_URL_KINESIS` / `AWS_ENDPOINT_URL`, else AWS's.
    public static func kinesis(stream: String, region: String? = nil, endpoint: String? = nil) -> KinesisFormat {
        KinesisFormat(stream: stream, region: region, endpoint: endpoint)
    }
}

extension DataStreamReader {
    /// A Kinesis stream instead of files: `.format(.kinesis(stream:region:endpoint:))`.
    public func format(_ kinesis: KinesisFormat) -> KinesisStreamReader {
        KinesisStreamReader(reader: self, options: KinesisSourceOptions(stream: kinesis.stream, region: kinesis.region, endpoint: kinesis.endpoint))
    }
}

/// Describes a Kinesis stream source: its data format and schema, options, then `load()`.
public struct KinesisStreamReader: Sendable {
    let reader: DataStreamReader
    var options: KinesisSourceOptions

    /// The columns in each record's data. With a schema and no `dataFormat` option, records
    /// are read as JSON lines; without one, each record is one row with its data as `data`.
    public func schema(_ s: Schema) -> KinesisStreamReader {
        var c = self
        c.options.schema = s
        if c.options.dataFormat == .raw { c.options.dataFormat = .jsonLines }
        return c
    }

    public func option(_ o: KinesisSourceOption) -> KinesisStreamReader {
        var c = self
        o.apply(to: &c.options)
        return c
    }

    /// The stream: the data columns, then `partition_key`, `shard_id`, `sequence_number` and
    /// `arrival_time` (Kinesis's approximate arrival timestamp, usable with `withWatermark`).
    public func load() throws -> DataStream {
        reader.source(try KinesisSourceProvider(options: options))
    }
}
