/// The entry point: creates streams and keeps track of the queries started from it.
public final class StreamingSession: Sendable {
    /// The queries of this session and the listeners that receive their progress.
    public let streams = StreamingQueryManager()
    /// The session time zone (Spark's `spark.sql.session.timeZone`): `toDate(timestamp)` and
    /// `dateFormat(ts, pattern)` in this session's streams use it. An IANA id or an offset; UTC by default.
    public let timeZone: String

    public init(timeZone: String = "UTC") {
        self.timeZone = timeZone
    }

    /// A builder for a streaming source.
    public var readStream: DataStreamReader { DataStreamReader(session: self) }
}
