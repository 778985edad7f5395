import Foundation
import Prometheus
import Streaming
import Synchronization

/// Prometheus metrics for the queries of a session: add `listener` to the session's
/// `streams`, serve `exposition()` on `GET /metrics`.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Updates the metrics from each query's life cycle and progress.
    public let listener: MetricsListener

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Micro-batches take milliseconds to minutes.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60), .seconds(300),
        ]
        listener = MetricsListener(factory: factory)
    }

    /// The text exposition format, with the lag gauges computed for `now`.
    public func exposition(now: Date = Date()) -> [UInt8] {
        listener.refreshLags(nowMicros: Int64((now.timeIntervalSince1970 * 1_000_000).rounded()))
        return registry.emitToBuffer()
    }
}

/// Keeps each query's metrics current. Queries are told apart by name (their id when unnamed).
public final class MetricsListener: StreamingQueryListener {
    private let factory: PrometheusMetricsFactory
    private let state = Mutex(State())

    private struct State {
        var byQuery: [String: QueryMetrics] = [:]
        var nameOfRun: [String: String] = [:]
    }

    init(factory: PrometheusMetricsFactory) {
        self.factory = factory
    }

    public func onQueryStarted(id: String, runId: String, name: String?) {
        state.withLock { s in
            let query = name ?? id
            s.nameOfRun[runId] = query
            _ = metrics(query, &s)
        }
    }

    public func onQueryProgress(_ p: StreamingQueryProgress) {
        state.withLock { s in metrics(p.name ?? p.id, &s).record(p) }
    }

    public func onQueryTerminated(id: String, runId: String, error: (any Error)?) {
        state.withLock { s in
            let query = s.nameOfRun.removeValue(forKey: runId) ?? id
            if error != nil { metrics(query, &s).failures.increment() }
        }
    }

    func refreshLags(nowMicros: Int64) {
        state.withLock { s in for m in s.byQuery.values { m.refreshLags(nowMicros: nowMicros) } }
    }

    private func metrics(_ query: String, _ s: inout State) -> QueryMetrics {
        if let m = s.byQuery[query] { return m }
        let m = QueryMetrics(query: query, factory: factory)
        s.byQuery[query] = m
        return m
    }
}
