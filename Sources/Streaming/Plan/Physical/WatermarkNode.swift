import Columnar

/// `withWatermark`: passes rows through unchanged and measures their event times, which the
/// engine folds into the watermark (`WatermarkTracker`) after the batch.
///
/// Event times further ahead of the batch's processing time than `maxAhead` are left out: one
/// record stamped in the year 9999 would otherwise push the watermark there and make every
/// later row late. Such rows are still processed, and counted in `numAhead`.
struct WatermarkNode: PerPartNode {
    let child: any PhysicalNode
    /// This watermark's position among the plan's watermarks (children first): its input to
    /// `WatermarkTracker` and its key in `NodeOutput.eventTime`.
    let id: Int
    let column: String
    let delayMs: Int64
    let maxAhead: Int64?

    var schema: Schema { child.schema }
    var label: String { "Watermark #\(id) \(column) delay \(delayMs) ms" }

    /// Event times above this do not count for a batch run at `batchTimestampMicros`.
    func cutoff(batchTimestampMicros: Int64) -> Int64 {
        guard let maxAhead else { return .max }
        let (sum, overflow) = batchTimestampMicros.addingReportingOverflow(maxAhead)
        return overflow ? .max : sum
    }

    func process(part: RecordBatch, batch: BatchInput, stats: inout PartStatistics) throws -> RecordBatch {
        let measured = try EventTimeStats.measure(part, column: column, cutoff: cutoff(batchTimestampMicros: batch.batchTimestampMicros))
        stats[id, default: EventTimeStats()].add(measured)
        return part
    }
}

/// The event-time statistics of the rows that passed one `withWatermark` in a batch.
///
/// `min`, `max` and `count` (in µs, over non-null event times) feed the watermark. Progress
/// also counts null event times, as 0, the way Spark's `EventTimeStatsAccum` sees them (it reads
/// the column from an unsafe row, where a null long is 0): `nullCount` and `sumMillis` are for that.
struct EventTimeStats: Sendable, Equatable {
    var min = Int64.max
    var max = Int64.min
    /// Sum of the counted event times, each truncated to whole milliseconds as Spark does.
    var sumMillis: Double = 0
    var count: Int64 = 0
    var nullCount: Int64 = 0
    /// Rows whose event time was too far ahead of processing time to count.
    var numAhead: Int64 = 0

    /// The largest counted event time, or nil when no row counted.
    var maxEventTime: Int64? { count > 0 ? max : nil }

    static func measure(_ batch: RecordBatch, column: String, cutoff: Int64) throws -> EventTimeStats {
        let c = try batch.column(column)
        let t = c.int64Values
        var s = EventTimeStats()
        for i in 0..<batch.rowCount {
            guard c.isValid(i) else {
                s.nullCount += 1
                continue
            }
            let v = t[i]
            if v > cutoff {
                s.numAhead += 1
                continue
            }
            if v < s.min { s.min = v }
            if v > s.max { s.max = v }
            s.sumMillis += Double(v / 1000)
            s.count += 1
        }
        return s
    }

    mutating func add(_ other: EventTimeStats) {
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        sumMillis += other.sumMillis
        count += other.count
        nullCount += other.nullCount
        numAhead += other.numAhead
    }
}
