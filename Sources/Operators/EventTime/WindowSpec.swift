import Columnar

/// An event-time window to group by: tumbling, sliding or session.
///
/// Grouping by a window adds two timestamp columns to the output, `<name>_start` and
/// `<name>_end` (`window_start`, `window_end` by default): start inclusive, end exclusive.
public struct WindowSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Fixed, non-overlapping windows of `size`.
        case tumbling
        /// Windows of `size` starting every `slide`; a row belongs to every window covering it.
        case sliding
        /// A session per key: `[first event, last event + gap)`, merging while events keep arriving within `gap`.
        case session
    }

    public let kind: Kind
    /// The timestamp column the window is computed from.
    public let timeColumn: String
    /// Window length in µs (the gap, for sessions).
    public let size: Int64
    /// Distance between window starts in µs (= size for tumbling windows).
    public let slide: Int64
    /// Prefix of the output columns.
    public var name: String = "window"

    public var startColumn: String { name + "_start" }
    public var endColumn: String { name + "_end" }

    /// Renames the window's output columns to `<name>_start` and `<name>_end`.
    public func `as`(_ name: String) -> WindowSpec {
        var c = self
        c.name = name
        return c
    }

    /// How many windows can cover one instant.
    public var windowsPerRow: Int { kind == .sliding ? Int((size + slide - 1) / slide) : 1 }

    /// Starts of every tumbling or sliding window covering `t`, latest first.
    /// Windows are aligned to the epoch, as Spark's are (start time 0).
    @inline(__always)
    public func windowStarts(_ t: Int64, into out: inout [Int64]) {
        let lastStart = t - Self.floorMod(t, slide)
        var start = lastStart
        for _ in 0..<windowsPerRow {
            if t < start + size { out.append(start) }
            start -= slide
        }
    }

    @inline(__always)
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        let r = a % b
        return r < 0 ? r + b : r
    }
}

/// A tumbling window of `duration` over `timeColumn` (a timestamp column, or an earlier
/// aggregation's window by name or by `windowTime(...)`: see `WindowSpec.timeSource`).
public func window(_ timeColumn: Expr, _ duration: Duration) -> WindowSpec {
    let size = duration.microseconds
    return WindowSpec(kind: .tumbling, timeColumn: timeColumn.windowTimeOf ?? timeColumn.outputName, size: size, slide: size)
}

/// A sliding window of `duration` starting every `slide` over `timeColumn`.
public func window(_ timeColumn: Expr, _ duration: Duration, slide: Duration) -> WindowSpec {
    WindowSpec(
        kind: duration == slide ? .tumbling : .sliding, timeColumn: timeColumn.windowTimeOf ?? timeColumn.outputName,
        size: duration.microseconds, slide: slide.microseconds)
}

/// Session windows over `timeColumn` that close after `gap` without events.
public func sessionWindow(_ timeColumn: Expr, _ gap: Duration) -> WindowSpec {
    WindowSpec(kind: .session, timeColumn: timeColumn.outputName, size: gap.microseconds, slide: gap.microseconds)
}

extension Duration {
    /// Whole microseconds (sub-microsecond parts are dropped).
    public var microseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000
    }
}

extension Duration {
    /// `n` minutes, for window sizes and watermark delays.
    public static func minutes(_ n: Int64) -> Duration { .seconds(n * 60) }
    /// `n` hours.
    public static func hours(_ n: Int64) -> Duration { .seconds(n * 3600) }
    /// `n` days of 24 hours.
    public static func days(_ n: Int64) -> Duration { .seconds(n * 86_400) }
}
