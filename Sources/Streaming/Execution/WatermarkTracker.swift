import Columnar

/// How the global watermark is chosen when a query has several watermarked inputs.
public enum WatermarkPolicy: String, Sendable, Codable {
    /// The slowest input holds the watermark back (Spark's default): no input's data is dropped early.
    case min
    /// The fastest input drives the watermark: results come sooner, slower inputs may lose late data.
    case max
}

/// Computes the global event-time watermark after each batch, as Spark's `WatermarkTracker`
/// does: per input (`withWatermark`), `max event time (whole ms) - delay` of the batches that
/// gave it rows, never decreasing; an input that gave no rows in a batch keeps its value, and
/// one that never gave any counts as 0. Globally the min (or max, `WatermarkPolicy`) over the
/// inputs, never decreasing, starting at 0. Unlike Spark, the per-input values are persisted
/// (`commits/N`), so a restart neither forgets a fast input's progress nor changes results.
struct WatermarkTracker: Sendable {
    let policy: WatermarkPolicy
    /// Per watermark node, in ms; nil until the first batch after the query's first start.
    private(set) var perInputMs: [Int64?]
    /// The global watermark in ms.
    private(set) var currentMs: Int64 = 0

    /// - Parameter restoredInputsMs: the per-input values a committed batch recorded; ignored
    ///   when it does not have one value per input (a checkpoint of another query shape).
    init(inputs: Int, policy: WatermarkPolicy, restoredMicros: Int64?, restoredInputsMs: [Int64?]? = nil) {
        self.policy = policy
        if let restoredInputsMs, restoredInputsMs.count == inputs {
            perInputMs = restoredInputsMs
        } else {
            perInputMs = Array(repeating: nil, count: inputs)
        }
        currentMs = (restoredMicros ?? 0) / 1000
    }

    /// The watermark in µs, as stored in `offsets/N` and compared with event times.
    var currentMicros: Int64 { currentMs * 1000 }

    /// Folds in the maximum event time (µs) each input saw in a batch (nil: no rows).
    mutating func update(maxEventTimes: [Int64?], delaysMs: [Int64]) {
        for (i, maxMicros) in maxEventTimes.enumerated() {
            guard let maxMicros else {
                // Spark puts 0 for an input that has not had data yet.
                if perInputMs[i] == nil { perInputMs[i] = 0 }
                continue
            }
            let candidate = Timestamps.floorDiv(maxMicros, 1000) - delaysMs[i]
            if perInputMs[i] == nil || candidate > perInputMs[i]! { perInputMs[i] = candidate }
        }
        let values = perInputMs.map { $0 ?? 0 }
        guard let chosen = policy == .min ? values.min() : values.max() else { return }
        if chosen > currentMs { currentMs = chosen }
    }
}
