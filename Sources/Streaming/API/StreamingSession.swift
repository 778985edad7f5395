/// The entry point: creates streams and keeps track of the queries started from it.
public final class StreamingSession: Sendable {
    /// The queries of this session and the listeners that receive their progress.
    public let streams = StreamingQueryManager()

    public init() {}

    /// A builder for a streaming source.
    public var readStream: DataStreamReader { DataStreamReader(session: self) }
}
