import Foundation
import Logging
import Streaming

/// Why a service stopped, as its exit code.
public enum ServiceExit: Int32, Sendable {
    /// Stopped by SIGTERM or SIGINT after committing the batch in progress, or every query
    /// finished (`availableNow`) or was stopped from the API.
    case clean = 0
    /// A query failed, or could not start.
    case queryFailed = 1
    /// The configuration cannot be used (bad value, missing path, port taken).
    case configuration = 78
}

/// Runs a set of queries as one service: starts them, serves the web UI and `/metrics`, and
/// stops in order on SIGTERM or SIGINT (each query finishes and commits its batch in progress;
/// see `StreamingQuery.stop()`), or when a query fails (the others are stopped the same way).
public final class ServiceRunner: Sendable {
    public let queries: [PipelineQuery]
    public let configuration: AppConfiguration
    public let session: StreamingSession
    public let logger: Logger
    /// Where the URLs and a generated token are printed (standard output by default).
    let announce: @Sendable (String) -> Void

    public convenience init(
        queries: [PipelineQuery], configuration: AppConfiguration, session: StreamingSession = StreamingSession(),
        logger: Logger = Logger(label: "sluice.service")
    ) {
        self.init(
            queries: queries, configuration: configuration, session: session, logger: logger,
            announce: {
                print($0)
                // Whoever started the service may be waiting for the URL on a pipe or file.
                fflush(nil)
            })
    }

    init(
        queries: [PipelineQuery], configuration: AppConfiguration, session: StreamingSession, logger: Logger,
        announce: @escaping @Sendable (String) -> Void
    ) {
        self.queries = queries
        self.configuration = configuration
        self.session = session
        self.logger = logger
        self.announce = announce
    }

    /// Runs until a signal, a failure, or the end of every query; returns why it stopped.
    /// `beforeQueries` runs once the server listens (the demo starts its producer there).
    public func run(beforeQueries: @Sendable () throws -> Void = {}) -> ServiceExit {
        let events = ServiceEvents()
        let signals = SignalWatcher { sig in
            // A second signal means "now": the checkpoint makes that safe too (the batch in
            // flight runs again on the next start).
            if events.countSignal() > 1 {
                FileHandle.standardError.write(Data("\(SignalWatcher.name(sig)) again: exiting without waiting\n".utf8))
                exit(128 + sig)
            }
            events.post(.signal(sig))
        }
        defer { signals.cancel() }

        let metrics = ServiceMetrics()
        let board = QueryBoard()
        session.streams.addListener(metrics.listener)
        let ended = TerminationListener { events.post(.queryEnded(runId: $0)) }
        session.streams.addListener(ended)
        defer {
            session.streams.removeListener(metrics.listener)
            session.streams.removeListener(ended)
        }

        let token = configuration.token ?? BearerToken.generate()
        let server = ServiceServer(
            host: configuration.host, port: configuration.port, board: board, metrics: metrics, token: token, logger: logger)
        let serverTask = Task {
            do {
                try await server.run { events.post(.listening($0)) }
            } catch {
                events.post(.serverFailed("\(error)"))
            }
        }
        defer {
            Task { await server.shutdown() }
            if !events.waitForServerEnd(serverTask) { logger.warning("the HTTP server did not stop within 10 s") }
        }
        switch events.next(matching: { if case .signal = $0 { return true }; return $0.isServerOutcome }) {
        case .listening(let port):
            let base = "http://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(port)"
            announce("web UI: \(base)/  metrics: \(base)/metrics")
            if configuration.token == nil { announce("token to stop queries over HTTP (shown once): \(token)") }
        case .serverFailed(let reason):
            logger.error("cannot serve on \(configuration.host):\(configuration.port): \(reason)")
            return .configuration
        case .signal(let sig):
            logger.notice("\(SignalWatcher.name(sig)) received before any query started: stopping")
            return .clean
        default:
            break
        }

        do { try beforeQueries() } catch {
            logger.error("cannot start: \(error)")
            return .configuration
        }
        let context = PipelineContext(session: session, configuration: configuration)
        var started: [(name: String, query: StreamingQuery)] = []
        for q in queries {
            let checkpoint = (try? q.checkpoint(context, built: nil)) ?? FilePaths.join(configuration.checkpoints, q.name)
            do {
                let query = try q.writer(context).start()
                started.append((q.name, query))
                board.add(name: q.name, checkpoint: checkpoint, query: query)
            } catch {
                logger.error("query \(q.name) cannot start: \(error)", metadata: ["query": "\(q.name)"])
                board.addFailed(name: q.name, checkpoint: checkpoint, error: error)
                stopAll(started, reason: "query \(q.name) could not start")
                return error is ConfigurationError ? .configuration : .queryFailed
            }
        }

        while true {
            switch events.next(matching: { !$0.isServerOutcome }) {
            case .signal(let sig):
                logger.notice("\(SignalWatcher.name(sig)) received: each query finishes and commits its batch in progress, then stops")
                stopAll(started, reason: SignalWatcher.name(sig))
                if let failed = started.first(where: { $0.query.exception != nil }) {
                    logger.error("query \(failed.name) failed while stopping: \(failed.query.exception!)")
                    return .queryFailed
                }
                logger.notice("stopped cleanly on \(SignalWatcher.name(sig)): no batch left half done")
                return .clean
            case .queryEnded(let runId):
                // Listeners hear of the end just before the handle says so: wait for the handle.
                if let ended = started.first(where: { $0.query.runId == runId }) {
                    _ = try? ended.query.awaitTermination(timeout: .seconds(10))
                }
                if let failed = started.first(where: { !$0.query.isActive && $0.query.exception != nil }) {
                    logger.error("query \(failed.name) failed: stopping the service", metadata: ["query": "\(failed.name)"])
                    stopAll(started, reason: "query \(failed.name) failed")
                    return .queryFailed
                }
                if !started.contains(where: { $0.query.isActive }) {
                    logger.notice("every query has stopped")
                    return .clean
                }
            default:
                continue
            }
        }
    }

    /// Stops the running queries in parallel; each finishes its batch in progress first.
    private func stopAll(_ started: [(name: String, query: StreamingQuery)], reason: String) {
        let active = started.filter { $0.query.isActive }
        guard !active.isEmpty else { return }
        logger.info("stopping \(active.map(\.name).joined(separator: ", ")) (\(reason))")
        let group = DispatchGroup()
        for (_, q) in active {
            group.enter()
            Thread.detachNewThread {
                q.stop()
                group.leave()
            }
        }
        group.wait()
        for (name, q) in active {
            logger.info(
                "query \(name) stopped", metadata: ["query": "\(name)", "lastBatch": "\(q.lastProgress.map { String($0.batchId) } ?? "none")"])
        }
    }
}

/// What the service waits for.
enum ServiceEvent: Sendable {
    case listening(Int)
    case serverFailed(String)
    case signal(Int32)
    case queryEnded(runId: String)

    var isServerOutcome: Bool {
        switch self {
        case .listening, .serverFailed: return true
        default: return false
        }
    }
}

/// A queue of events the service's main thread waits on.
final class ServiceEvents: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [ServiceEvent] = []
    private var signalsSeen = 0

    /// Counts a signal; returns how many were seen.
    func countSignal() -> Int {
        condition.lock()
        defer { condition.unlock() }
        signalsSeen += 1
        return signalsSeen
    }

    func post(_ e: ServiceEvent) {
        condition.lock()
        pending.append(e)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the first event `matching`, leaving the others queued.
    func next(matching: (ServiceEvent) -> Bool) -> ServiceEvent {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let i = pending.firstIndex(where: matching) { return pending.remove(at: i) }
            condition.wait()
        }
    }

    /// Blocks until the server task ends (at most 10 s); true if it did.
    func waitForServerEnd(_ task: Task<Void, Never>) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Task {
            await task.value
            done.signal()
        }
        return done.wait(timeout: .now() + 10) == .success
    }
}

/// Tells the service when any query ends.
final class TerminationListener: StreamingQueryListener {
    private let ended: @Sendable (String) -> Void
    init(_ ended: @escaping @Sendable (String) -> Void) { self.ended = ended }
    func onQueryProgress(_ progress: StreamingQueryProgress) {}
    func onQueryTerminated(id: String, runId: String, error: (any Error)?) { ended(runId) }
}
