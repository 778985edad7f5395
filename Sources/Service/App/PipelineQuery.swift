import Streaming

/// One query of a StreamingApp: a name and a builder that describes it up to its writer.
///
/// The app completes the writer: `queryName(name)`, `checkpointLocation` under the configured
/// checkpoints directory (unless the builder set one) and the configured trigger (if any), then
/// starts it (`run`) or replays it (`backfill`).
public struct PipelineQuery: Sendable {
    public let name: String
    /// The source's event-time column for `backfill`; nil: the query's `withWatermark` column.
    public let eventTime: String?
    public let build: @Sendable (PipelineContext) throws -> DataStreamWriter

    public init(_ name: String, eventTime: String? = nil, build: @escaping @Sendable (PipelineContext) throws -> DataStreamWriter) {
        self.name = name
        self.eventTime = eventTime
        self.build = build
    }

    /// The builder's writer, completed with the app's name, checkpoint and trigger.
    func writer(_ context: PipelineContext) throws -> DataStreamWriter {
        let built = try build(context)
        var w = built.queryName(name).checkpointLocation(try checkpoint(context, built: built))
        if let trigger = context.configuration.trigger { w = w.trigger(trigger) }
        return w
    }

    /// Where this query's checkpoint is: the builder's `checkpointLocation`, else
    /// `<checkpoints>/<name>`. `built` is the builder's writer when already made.
    func checkpoint(_ context: PipelineContext, built: DataStreamWriter?) throws -> String {
        let w = try built ?? build(context)
        return w.configuredCheckpointLocation ?? FilePaths.join(context.configuration.checkpoints, name)
    }
}

/// What a query's builder gets: the session to read streams from and the app's configuration.
public struct PipelineContext: Sendable {
    public let session: StreamingSession
    public let configuration: AppConfiguration

    public init(session: StreamingSession, configuration: AppConfiguration) {
        self.session = session
        self.configuration = configuration
    }

    /// The path configured under `name` (`--path name=…`, `SLUICE_PATH_<NAME>`, or `paths` in
    /// the configuration file); a missing one is a configuration error naming all three.
    public func path(_ name: String) throws -> String {
        guard let p = configuration.paths[name] else {
            throw ConfigurationError(
                "no path named '\(name)': give --path \(name)=PATH, set SLUICE_PATH_\(name.uppercased()), or add \"paths\": {\"\(name)\": …} to the configuration file")
        }
        return p
    }
}
