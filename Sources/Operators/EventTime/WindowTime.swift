import Columnar

/// Where a window's rows get their event time: a timestamp column, or the window of an earlier
/// aggregation, whose event time is its end minus 1 µs (Spark's `window_time`).
public struct WindowTimeSource: Sendable, Equatable {
    /// The column read.
    public var column: String
    /// Added to each value: 0 for a timestamp column, -1 µs for a window's end.
    public var shift: Int64
}

extension WindowSpec {
    /// The time this window is computed from in `input`. A `timeColumn` that is not a column but
    /// the name of an earlier aggregation's window (`<name>_end` exists) reads that window's
    /// time, as Spark's `window($"window", …)` over a window struct does.
    public func timeSource(in input: Schema) throws -> WindowTimeSource {
        if input.field(timeColumn) != nil { return WindowTimeSource(column: timeColumn, shift: 0) }
        let end = timeColumn + "_end"
        if input.field(end)?.type == .timestamp { return WindowTimeSource(column: end, shift: -1) }
        throw ColumnarError.unknownColumn(timeColumn, available: input.names)
    }
}

/// Spark's `window_time(window)`: the event time of a windowed aggregation's row, the window's
/// end minus 1 µs, named `window_time(<window>)`. `window` names the window (`col("window")` for
/// the default name), as `window(...).as(name)` named it. Grouping by `window(windowTime(w), d)`
/// is grouping by `window(w, d)`.
public func windowTime(_ window: Expr) -> Expr {
    let name = window.outputName
    return .alias(.call(.windowTime, [.column(name + "_end")]), "window_time(\(name))")
}

extension Expr {
    /// The window a `windowTime(...)` expression reads, or nil for any other expression.
    public var windowTimeOf: String? {
        guard case .call(.windowTime, let args) = unaliased, case .column(let end)? = args.first, end.hasSuffix("_end") else { return nil }
        return String(end.dropLast(4))
    }
}
