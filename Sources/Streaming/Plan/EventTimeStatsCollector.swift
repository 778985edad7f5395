import Columnar

/// Collects the event-time statistics of the rows flowing past a `withWatermark`.
///
/// Event times further ahead of the batch's processing time than `maxAhead` are left out: one
/// record stamped in the year 9999 would otherwise push the watermark there and make every
/// later row late. Such rows are still processed, and counted in `numAhead`.
///
/// `min`, `max` and `count` (in µs, over non-null event times) feed the watermark. Progress
/// also counts null event times, as 0, the way Spark's `EventTimeStatsAccum` sees them (it reads
/// the column from an unsafe row, where a null long is 0): `nullCount` and `sumMillis` are for that.
final class EventTimeStatsCollector: @unchecked Sendable {
    let column: String
    let delayMs: Int64
    let maxAhead: Int64?
    private(set) var min = Int64.max
    private(set) var max = Int64.min
    /// Sum of the counted event times, each truncated to whole milliseconds as Spark does.
    private(set) var sumMillis: Double = 0
    private(set) var count: Int64 = 0
    private(set) var nullCount: Int64 = 0
    private(set) var numAhead: Int64 = 0
    /// Event times above this are too far ahead to count (see `reset`).
    private(set) var cutoff = Int64.max

    init(column: String, delayMs: Int64, maxAhead: Int64?) {
        self.column = column
        self.delayMs = delayMs
        self.maxAhead = maxAhead
    }

    /// Starts a batch whose processing time is `batchTimestampMicros` (from `offsets/N`, so a
    /// re-run batch uses the same cutoff).
    func reset(batchTimestampMicros: Int64) {
        min = .max
        max = .min
        sumMillis = 0
        count = 0
        nullCount = 0
        numAhead = 0
        cutoff = maxAhead.map { batchTimestampMicros.addingReportingOverflow($0).overflow ? .max : batchTimestampMicros + $0 } ?? .max
    }

    /// Statistics of one batch's rows, to be added with `add` (kept apart so parts of a batch
    /// can be measured on several threads).
    struct Partial: Sendable {
        var min = Int64.max
        var max = Int64.min
        var sumMillis: Double = 0
        var count: Int64 = 0
        var nullCount: Int64 = 0
        var numAhead: Int64 = 0
    }

    /// - Parameter cutoff: `self.cutoff`, read by the caller before handing the work to other
    ///   threads, so they never touch this object's mutable state.
    func measure(_ batch: RecordBatch, cutoff: Int64) throws -> Partial {
        let c = try batch.column(column)
        let t = c.int64Values
        var p = Partial()
        for i in 0..<batch.rowCount {
            guard c.isValid(i) else {
                p.nullCount += 1
                continue
            }
            let v = t[i]
            if v > cutoff {
                p.numAhead += 1
                continue
            }
            if v < p.min { p.min = v }
            if v > p.max { p.max = v }
            p.sumMillis += Double(v / 1000)
            p.count += 1
        }
        return p
    }

    func add(_ p: Partial) {
        min = Swift.min(min, p.min)
        max = Swift.max(max, p.max)
        sumMillis += p.sumMillis
        count += p.count
        nullCount += p.nullCount
        numAhead += p.numAhead
    }
}
