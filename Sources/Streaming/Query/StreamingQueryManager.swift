import Logging
import Synchronization

/// The active queries of a session and the listeners that hear about all of them.
public final class StreamingQueryManager: Sendable {
    private let state = Mutex(State())

    private struct State {
        var listeners: [any StreamingQueryListener] = []
        var active: [String: StreamingQuery] = [:]
    }

    /// Writes the engine's log lines (see `QueryLog`); last, so user listeners hear a batch first.
    private let log = QueryLog(base: Logger(label: "sluice"))

    /// The logger the engine logs through for the queries of this session (label `sluice` by
    /// default; its handler and level come from `LoggingSystem` unless set here). Each query's
    /// lines carry `query` and `runId` metadata. Set it before starting queries.
    public var logger: Logger {
        get { log.base }
        set { log.base = newValue }
    }

    public func addListener(_ l: any StreamingQueryListener) {
        state.withLock { $0.listeners.append(l) }
    }

    public func removeListener(_ l: any StreamingQueryListener) {
        state.withLock { $0.listeners.removeAll { $0 === l } }
    }

    /// Queries started from this session that have not terminated.
    public var active: [StreamingQuery] { state.withLock { Array($0.active.values) } }

    var listeners: [any StreamingQueryListener] { state.withLock { $0.listeners } + [log] }

    func register(_ q: StreamingQuery) { state.withLock { $0.active[q.runId] = q } }
    func unregister(_ q: StreamingQuery) { _ = state.withLock { $0.active.removeValue(forKey: q.runId) } }
}
