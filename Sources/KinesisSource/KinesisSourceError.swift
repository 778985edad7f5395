/// Failures of the Kinesis source, each saying what to do.
public enum KinesisSourceError: Error, CustomStringConvertible, Equatable {
    /// Records the query had not read are gone from the stream (past its retention period, or
    /// the stream was deleted and created again). Raised when `failOnDataLoss` is on.
    case dataLoss(stream: String, shardId: String, detail: String)
    case badOffset(String)
    /// An option or schema the source cannot work with.
    case invalidOption(String)

    public var description: String {
        switch self {
        case .dataLoss(let stream, let shard, let detail):
            return "Kinesis stream \(stream), shard \(shard): \(detail). Some records were lost before the query read them (the stream's retention period passed, or the stream was recreated). If that is acceptable, set failOnDataLoss to false: the query then goes on from the oldest record still there and reports each loss in progress (sources[i].metrics.dataLoss)"
        case .badOffset(let text): return text
        case .invalidOption(let text): return text
        }
    }
}
