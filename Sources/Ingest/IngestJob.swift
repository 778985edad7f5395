import AWS
import Dispatch
import Foundation
import KinesisSource
import S3Storage
import Streaming

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `sluice ingest`: one streaming query from Kinesis or a directory of files into the raw Delta
/// table (`RawTable`), partitioned by `date`, exactly once across crashes (the checkpoint's
/// offsets and the Delta sink's transaction id, docs/ARCHITECTURE.md "The batch protocol").
public struct IngestJob: Sendable {
    public enum TriggerChoice: Sendable, Equatable {
        /// Everything there at start, then stop.
        case availableNow
        /// A batch every interval until SIGTERM or SIGINT.
        case processingTime(seconds: Double)

        /// `available-now` or `processing-time:SECONDS`.
        public static func parse(_ text: String) throws -> TriggerChoice {
            if text == "available-now" { return .availableNow }
            if text.hasPrefix("processing-time:"), let s = Double(text.dropFirst("processing-time:".count)), s >= 0, s.isFinite {
                return .processingTime(seconds: s)
            }
            throw IngestError.badArgument("--trigger \(text): expected available-now or processing-time:SECONDS (e.g. processing-time:10)")
        }
    }

    public var source: IngestSource
    public var table: StorageLocation
    public var checkpoint: StorageLocation
    public var endpoint: String?
    public var region: String?
    public var dateField: String?
    public var trigger: TriggerChoice
    public var badRecords: StorageLocation?
    /// Kinesis records per shard and batch at most.
    public var maxRecordsPerShard = 10_000

    public init(
        source: IngestSource, table: StorageLocation, checkpoint: StorageLocation, endpoint: String? = nil, region: String? = nil,
        dateField: String? = nil, trigger: TriggerChoice = .availableNow, badRecords: StorageLocation? = nil
    ) {
        self.source = source
        self.table = table
        self.checkpoint = checkpoint
        self.endpoint = endpoint
        self.region = region
        self.dateField = dateField
        self.trigger = trigger
        self.badRecords = badRecords
    }

    /// The query's input: the source's rows with their `date`.
    func stream(_ session: StreamingSession) throws -> DataStream {
        let badRecordsPath = badRecords?.path
        let field = dateField.map(DateField.init)
        switch source {
        case .kinesis(let stream):
            var options = KinesisSourceOptions(stream: stream, region: region, endpoint: endpoint)
            options.dataFormat = .raw
            options.maxRecordsPerShard = maxRecordsPerShard
            options.badRecordsPath = badRecordsPath
            if badRecordsPath == nil { options.reader.mode = .failFast }
            let kinesis = try KinesisSourceProvider(options: options)
            let provider = DatedSourceProvider(inner: kinesis, dateField: field, badRecordsPath: badRecordsPath) { batch, row in
                "kinesis://\(stream)/\(batch.columns[2].stringValues[row])/\(batch.columns[3].stringValues[row])"
            }
            return session.readStream.source(provider)
        case .files(let location):
            let root = location.path
            guard location.isS3 || FileSystem.isDirectory(root) else { throw IngestError.missingSource(root) }
            return session.readStream.source(RawFilesProvider(root: root, dateField: field, badRecordsPath: badRecordsPath))
        }
    }

    /// Serves `s3://` paths when any of the job's paths is one, with the job's endpoint and
    /// region (credentials from the environment or `~/.aws`, as for Kinesis).
    func installS3Storage() throws {
        var paths = [table.path, checkpoint.path]
        if case .files(let location) = source { paths.append(location.path) }
        if let badRecords { paths.append(badRecords.path) }
        _ = try S3Storage.installIfNeeded(for: paths, endpoint: endpoint, region: region)
    }

    /// Starts the query (it runs on its own thread).
    public func start(_ session: StreamingSession = StreamingSession()) throws -> StreamingQuery {
        let table = self.table.path
        let checkpoint = self.checkpoint.path
        try installS3Storage()
        let trigger: Trigger
        switch self.trigger {
        case .availableNow: trigger = .availableNow
        case .processingTime(let s): trigger = .processingTime(.milliseconds(Int64((s * 1000).rounded())))
        }
        return try stream(session).writeStream
            .format(.delta(table, partitionBy: [RawTable.date]))
            .outputMode(.append)
            .queryName("ingest")
            .checkpointLocation(checkpoint)
            .trigger(trigger)
            .start()
    }

    /// Runs to the end: with `availableNow` until the backlog is written; with a processing-time
    /// trigger until SIGTERM or SIGINT, after which the batch in progress completes and is
    /// committed before this returns (a second signal ends the process at once; the checkpoint
    /// makes that safe too).
    @discardableResult
    public func run(_ session: StreamingSession = StreamingSession()) throws -> StreamingQuery {
        let query = try start(session)
        let watcher = trigger == .availableNow ? nil : StopOnSignal(query)
        defer { watcher?.cancel() }
        try query.awaitTermination()
        return query
    }
}

/// SIGTERM and SIGINT stop the query after its batch in progress (dispatch signal sources,
/// which also unblock the signals a parent process may have blocked); a second one exits.
final class StopOnSignal: @unchecked Sendable {
    // Set once in init; DispatchSource is thread-safe.
    private let sources: [any DispatchSourceSignal]

    init(_ query: StreamingQuery) {
        let queue = DispatchQueue(label: "sluice.ingest.signals")
        let stopping = OnceFlag()
        var set = sigset_t()
        sigemptyset(&set)
        sources = [SIGTERM, SIGINT].map { sig in
            signal(sig, SIG_IGN)
            sigaddset(&set, sig)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                if stopping.testAndSet() { exit(128 + sig) }
                DispatchQueue.global().async { query.stop() }
            }
            source.resume()
            return source
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}

/// A flag set once, read and set on the signal queue only.
private final class OnceFlag: @unchecked Sendable {
    private var set = false
    /// Whether it was set already; sets it.
    func testAndSet() -> Bool {
        defer { set = true }
        return set
    }
}
