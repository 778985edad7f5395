import CoreMetrics
import Foundation
import Metrics
import Streaming

/// The metrics of one query, named as Prometheus expects (`sluice_query_…`, seconds, `_total`
/// counters), each with a `query` label. Created through swift-metrics with an explicit factory,
/// so an app's global `MetricsSystem` is left alone.
final class QueryMetrics: @unchecked Sendable {
    // Only touched under `MetricsListener`'s lock.
    let query: String
    private let factory: any MetricsFactory
    private let labels: [(String, String)]

    let inputRows: Counter
    let lateRows: Counter
    let malformedRows: Counter
    let failures: Counter
    let processedRowsPerSecond: Gauge
    let lastBatchId: Gauge
    let backlogFiles: Gauge
    let backlogBytes: Gauge
    let watermarkLag: Gauge
    let eventTimeLag: Gauge
    let batchDuration: Timer
    private var phases: [String: Timer] = [:]
    private var stateRows: [String: Gauge] = [:]
    private var stateBytes: [String: Gauge] = [:]
    private var lookupCounters: [String: Counter] = [:]
    private var lookupCacheEntries: [String: Gauge] = [:]

    /// Kept for the lag gauges, which are computed when scraped (now − value).
    var watermarkMicros: Int64?
    var maxEventTimeMicros: Int64?

    init(query: String, factory: any MetricsFactory) {
        self.query = query
        self.factory = factory
        labels = [("query", query)]
        inputRows = Counter(label: "sluice_query_input_rows_total", dimensions: labels, factory: factory)
        lateRows = Counter(label: "sluice_query_late_rows_total", dimensions: labels, factory: factory)
        malformedRows = Counter(label: "sluice_query_malformed_rows_total", dimensions: labels, factory: factory)
        failures = Counter(label: "sluice_query_failures_total", dimensions: labels, factory: factory)
        processedRowsPerSecond = Gauge(label: "sluice_query_processed_rows_per_second", dimensions: labels, factory: factory)
        lastBatchId = Gauge(label: "sluice_query_last_batch_id", dimensions: labels, factory: factory)
        backlogFiles = Gauge(label: "sluice_query_backlog_files", dimensions: labels, factory: factory)
        backlogBytes = Gauge(label: "sluice_query_backlog_bytes", dimensions: labels, factory: factory)
        watermarkLag = Gauge(label: "sluice_query_watermark_lag_seconds", dimensions: labels, factory: factory)
        eventTimeLag = Gauge(label: "sluice_query_event_time_lag_seconds", dimensions: labels, factory: factory)
        batchDuration = Timer(label: "sluice_query_batch_duration_seconds", dimensions: labels, factory: factory)
        // Counters exist (at 0) from the start, so rate() and alerts see them before anything happens.
        for c in [inputRows, lateRows, malformedRows, failures] { c.increment(by: 0) }
    }

    /// Folds one batch's progress record into the metrics.
    func record(_ p: StreamingQueryProgress) {
        inputRows.increment(by: Int64(p.numInputRows))
        processedRowsPerSecond.record(p.processedRowsPerSecond)
        lastBatchId.record(Double(p.batchId))
        if let ms = p.durationMs["triggerExecution"] { batchDuration.recordMilliseconds(ms) }
        for (phase, ms) in p.durationMs where phase != "triggerExecution" {
            phaseTimer(phase).recordMilliseconds(ms)
        }
        lateRows.increment(by: p.stateOperators.reduce(Int64(0)) { $0 + $1.numRowsDroppedByWatermark })
        malformedRows.increment(by: p.sources.reduce(Int64(0)) { $0 + $1.numMalformedRows })
        let backlog = p.sources.compactMap(\.metrics)
        if backlog.contains(where: { $0["backlogFiles"] != nil }) {
            backlogFiles.record(Double(backlog.reduce(Int64(0)) { $0 + (Int64($1["backlogFiles"] ?? "") ?? 0) }))
            backlogBytes.record(Double(backlog.reduce(Int64(0)) { $0 + (Int64($1["backlogBytes"] ?? "") ?? 0) }))
        }
        var seen: [String: Int] = [:]
        for op in p.stateOperators {
            // Two operators of one kind get "name", "name_1", … so their series stay apart.
            let n = seen[op.operatorName, default: 0]
            seen[op.operatorName] = n + 1
            let name = n == 0 ? op.operatorName : "\(op.operatorName)_\(n)"
            stateGauge(&stateRows, "sluice_query_state_rows", name).record(Double(op.numRowsTotal))
            stateGauge(&stateBytes, "sluice_query_state_bytes", name).record(Double(op.memoryUsedBytes))
        }
        for join in p.lookupJoins ?? [] {
            lookupCounter("sluice_query_lookup_cache_hits_total", join.operatorName).increment(by: join.numCacheHits)
            lookupCounter("sluice_query_lookup_cache_misses_total", join.operatorName).increment(by: join.numCacheMisses)
            lookupCounter("sluice_query_lookup_requests_total", join.operatorName).increment(by: join.numLookups)
            stateGauge(&lookupCacheEntries, "sluice_query_lookup_cache_entries", join.operatorName).record(Double(join.cacheEntries))
        }
        if let w = p.eventTime["watermark"].flatMap(Timestamps.parseISO8601), w > 0 { watermarkMicros = w }
        if let m = p.eventTime["max"].flatMap(Timestamps.parseISO8601) { maxEventTimeMicros = max(maxEventTimeMicros ?? m, m) }
    }

    /// Sets the lag gauges to `now` minus the watermark and the newest event time seen.
    func refreshLags(nowMicros: Int64) {
        if let w = watermarkMicros { watermarkLag.record(Double(nowMicros - w) / 1e6) }
        if let m = maxEventTimeMicros { eventTimeLag.record(Double(nowMicros - m) / 1e6) }
    }

    private func phaseTimer(_ phase: String) -> Timer {
        if let t = phases[phase] { return t }
        let t = Timer(label: "sluice_query_phase_duration_seconds", dimensions: labels + [("phase", phase)], factory: factory)
        phases[phase] = t
        return t
    }

    /// A lookup join's counter (hits, misses, requests to its table), labelled with the join's name.
    private func lookupCounter(_ label: String, _ op: String) -> Counter {
        let id = label + "\u{0}" + op
        if let c = lookupCounters[id] { return c }
        let c = Counter(label: label, dimensions: labels + [("operator", op)], factory: factory)
        lookupCounters[id] = c
        return c
    }

    private func stateGauge(_ gauges: inout [String: Gauge], _ label: String, _ op: String) -> Gauge {
        if let g = gauges[op] { return g }
        let g = Gauge(label: label, dimensions: labels + [("operator", op)], factory: factory)
        gauges[op] = g
        return g
    }
}
