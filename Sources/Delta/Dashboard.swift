import Columnar

/// A chart over a Delta table, declared in Swift next to the query that writes the table:
/// a time column bucketed in a chosen time zone, a measure per bucket, one series per value of
/// a key column. `series(from:to:timeZone:)` computes it with partition pruning and statistics
/// skipping; a web layer serves the result (`DashboardSeries` is `Codable`).
///
/// ```
/// let errors = Dashboard(
///     name: "errors-per-service", table: "tables/errors_per_minute", timeColumn: "window_start",
///     measure: .sum("errors"), seriesKey: "service", chart: .stackedBars, bucketMicros: Timestamps.microsPerMinute)
/// let chart = try errors.series(from: t0, to: t1, timeZone: "Europe/Paris")
/// ```
public struct Dashboard: Sendable {
    public enum ChartKind: String, Sendable, Codable {
        case stackedBars, lines
    }

    /// What each bucket shows.
    public enum Measure: Sendable, Hashable, CustomStringConvertible {
        /// Rows in the bucket (0 when none).
        case count
        /// Sum, minimum, maximum or mean of a numeric column (null when the bucket has no value).
        case sum(String), min(String), max(String), avg(String)

        var column: String? {
            switch self {
            case .count: return nil
            case .sum(let c), .min(let c), .max(let c), .avg(let c): return c
            }
        }

        public var description: String {
            switch self {
            case .count: return "count(*)"
            case .sum(let c): return "sum(\(c))"
            case .min(let c): return "min(\(c))"
            case .max(let c): return "max(\(c))"
            case .avg(let c): return "avg(\(c))"
            }
        }
    }

    public let name: String
    public let title: String
    /// The table's directory.
    public let table: String
    public let timeColumn: String
    public let measure: Measure
    /// One series per value of this column (nil: one series).
    public let seriesKey: String?
    public let chart: ChartKind
    /// Rows counted (e.g. `col("level") == "ERROR"` on a raw log table); nil for all.
    public let filter: Expr?
    /// Bucket width in microseconds. Widths of whole days start at local midnight; smaller
    /// widths are aligned to the local clock.
    public let bucketMicros: Int64

    public init(
        name: String, title: String? = nil, table: String, timeColumn: String, measure: Measure = .count, seriesKey: String? = nil,
        chart: ChartKind = .stackedBars, filter: Expr? = nil, bucketMicros: Int64 = Timestamps.microsPerMinute
    ) {
        self.name = name
        self.title = title ?? name
        self.table = table
        self.timeColumn = timeColumn
        self.measure = measure
        self.seriesKey = seriesKey
        self.chart = chart
        self.filter = filter
        self.bucketMicros = bucketMicros
    }
}

/// The data behind one chart: bucket starts and one value per bucket per series.
public struct DashboardSeries: Sendable, Codable {
    public struct Series: Sendable, Codable, Equatable {
        /// The key value (its text form; nil for the null key, or the only series without a key).
        public var key: String?
        public var values: [Double?]
    }

    public var dashboard: String
    public var chart: Dashboard.ChartKind
    public var measure: String
    public var timeZone: String
    /// The range, UTC ISO-8601.
    public var from: String
    public var to: String
    public var bucketMicros: Int64
    /// Bucket starts, UTC ISO-8601.
    public var buckets: [String]
    /// Bucket starts as wall-clock time in `timeZone` (`yyyy-MM-dd HH:mm`).
    public var labels: [String]
    /// Series sorted by key.
    public var series: [Series]
    /// The table version read.
    public var tableVersion: Int64
    /// The watermark the table's streaming writer recorded in that version (UTC ISO-8601; nil
    /// when it records none, e.g. a query without a watermark).
    public var watermark: String?
    /// Buckets from this index on end after `watermark`: their windows are still open, so their
    /// values may change (an update-mode table holds their current values; an append-mode table
    /// holds nothing for them yet). Nil when every bucket is final or no watermark is known.
    public var firstProvisionalBucket: Int?
    public var statistics: DeltaRangeScanStatistics
}
