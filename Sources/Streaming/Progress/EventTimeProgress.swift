import Columnar
import Foundation

/// The `eventTime` map and the `timestamp` of a progress record, formatted as Spark's
/// `ProgressReporter` does: UTC, millisecond precision, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.
enum EventTimeProgress {
    /// `min`, `max`, `avg` of the batch's event times (when it had any rows reaching the
    /// collector) and the batch's `watermark` (when the query has one).
    ///
    /// Event times count in whole milliseconds, truncated, and null event times count as
    /// 1970-01-01, as in Spark's `EventTimeStatsAccum`. Rows too far ahead of processing time
    /// are left out (they appear as `aheadOfProcessingTime`).
    static func map(_ collectors: [EventTimeStats], batchWatermarkMicros: Int64?) -> [String: String] {
        var out: [String: String] = [:]
        if let w = batchWatermarkMicros { out["watermark"] = format(millis: w / 1000) }
        let counted = collectors.reduce(Int64(0)) { $0 + $1.count + $1.nullCount }
        if counted > 0 {
            var minMs = Int64.max, maxMs = Int64.min
            var sumMs = 0.0
            for c in collectors {
                if c.count > 0 {
                    minMs = Swift.min(minMs, c.min / 1000)
                    maxMs = Swift.max(maxMs, c.max / 1000)
                }
                if c.nullCount > 0 {
                    minMs = Swift.min(minMs, 0)
                    maxMs = Swift.max(maxMs, 0)
                }
                sumMs += c.sumMillis
            }
            out["min"] = format(millis: minMs)
            out["max"] = format(millis: maxMs)
            // Spark reports `avg.toLong`: truncated toward zero.
            out["avg"] = format(millis: Int64(sumMs / Double(counted)))
        }
        let ahead = collectors.reduce(Int64(0)) { $0 + $1.numAhead }
        if ahead > 0 { out["aheadOfProcessingTime"] = String(ahead) }
        return out
    }

    /// `2024-01-01T10:15:00.000Z`.
    static func format(millis: Int64) -> String {
        Timestamps.formatMillis(millis * 1000)
    }

    /// The trigger's start time, in the same format.
    static func format(_ date: Date) -> String {
        format(millis: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
