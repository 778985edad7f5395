import Columnar

/// How the global watermark is chosen when a query has several watermarked inputs.
public enum WatermarkPolicy: String, Sendable, Codable {
    /// The slowest input holds the watermark back (Spark's default): no input's data is dropped early.
    case min
    /// The fastest input drives the watermark: results come sooner, slower inputs may lose late data.
    case max
}

/// Computes the global event-time watermark after each batch, as Spark does: per input,
/// `max event time (whole ms) - delay`, never decreasing; globally the min (or max) over inputs,
/// where an input without data yet counts as 0; never decreasing, starting at 0.
struct WatermarkTracker: Sendable {
    let policy: WatermarkPolicy
    /// Per watermark node, in ms; nil until the node has seen data. Not persisted (as in Spark).
    private var perInput: [Int64?]
    /// The global watermark in ms.
    private(set) var currentMs: Int64 = 0

    init(inputs: Int, policy: WatermarkPolicy, restoredMicros: Int64?) {
        self.policy = policy
        perInput = Array(repeating: nil, count: inputs)
        currentMs = (restoredMicros ?? 0) / 1000
    }

    /// The watermark in µs, as stored in `offsets/N` and compared with event times.
    var currentMicros: Int64 { currentMs * 1000 }

    /// Folds in the maximum event time (µs) each input saw in a batch (nil: no rows).
    mutating func update(maxEventTimes: [Int64?], delaysMs: [Int64]) {
        for (i, maxMicros) in maxEventTimes.enumerated() {
            guard let maxMicros else { continue }
            let candidate = Timestamps.floorDiv(maxMicros, 1000) - delaysMs[i]
            if perInput[i] == nil || candidate > perInput[i]! { perInput[i] = candidate }
        }
        let values = perInput.map { $0 ?? 0 }
        guard let chosen = policy == .min ? values.min() : values.max() else { return }
        if chosen > currentMs { currentMs = chosen }
    }
}
