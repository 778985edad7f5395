import Synchronization

/// The active queries of a session and the listeners that hear about all of them.
public final class StreamingQueryManager: Sendable {
    private let state = Mutex(State())

    private struct State {
        var listeners: [any StreamingQueryListener] = []
        var active: [String: StreamingQuery] = [:]
    }

    public func addListener(_ l: any StreamingQueryListener) {
        state.withLock { $0.listeners.append(l) }
    }

    public func removeListener(_ l: any StreamingQueryListener) {
        state.withLock { $0.listeners.removeAll { $0 === l } }
    }

    /// Queries started from this session that have not terminated.
    public var active: [StreamingQuery] { state.withLock { Array($0.active.values) } }

    var listeners: [any StreamingQueryListener] { state.withLock { $0.listeners } }

    func register(_ q: StreamingQuery) { state.withLock { $0.active[q.runId] = q } }
    func unregister(_ q: StreamingQuery) { _ = state.withLock { $0.active.removeValue(forKey: q.runId) } }
}
