import Columnar
import Operators
import State

/// What a query needs to be replayed exactly over whole days, and the refusals for what
/// cannot be (README "Backfill" has the table of rules).
struct ReplayRules {
    /// Event time read around the range, because a window can hold rows of the neighbouring
    /// days (sliding windows, windows not dividing a day). Output rows outside the replaced
    /// days are then dropped instead of refused.
    var marginMicros: Int64 = 0
    /// The query holds an aggregation: its result is taken from the final no-data batch.
    var aggregates = false

    /// - Parameters:
    ///   - eventTime: the column the range is on.
    ///   - live: a stream writes the table (the replay has its checkpoint).
    static func check(_ plan: LogicalPlan, mode: OutputMode, eventTime: String, live: Bool) throws -> ReplayRules {
        var rules = ReplayRules()
        if live && mode == .complete {
            throw QueryError.invalidQuery(
                "replay beside a stream in complete mode: the stream rewrites the whole table every batch, so replayed days would be replaced again by its next batch;"
                    + " stop the stream and replay without checkpointLocation, or use append or update mode")
        }
        try rules.visit(plan, eventTime: eventTime, live: live)
        return rules
    }

    private mutating func visit(_ plan: LogicalPlan, eventTime: String, live: Bool) throws {
        switch plan {
        case .aggregate(_, let window, _, _):
            aggregates = true
            if let window {
                switch window.kind {
                case .session:
                    if live {
                        throw QueryError.invalidQuery(
                            "replay beside a stream of session windows: a row the stream dropped as late can merge sessions it has already written with one it has not closed,"
                                + " so the two could not split the work exactly; stop the stream and replay without checkpointLocation")
                    }
                case .tumbling where Timestamps.microsPerDay % window.size == 0:
                    break  // windows never cross midnight
                case .tumbling, .sliding:
                    marginMicros = max(marginMicros, window.size)
                }
            }
        case .deduplicate(let columns, let within, _):
            if within {
                throw QueryError.invalidQuery(
                    "replay of dropDuplicatesWithinWatermark: which copies a stream keeps depends on when its watermark moved, which a replay cannot reproduce")
            }
            if !columns.isEmpty && !columns.contains(eventTime) {
                throw QueryError.invalidQuery(
                    "replay of dropDuplicates(\(columns.joined(separator: ", "))): without the event-time column '\(eventTime)' among the columns a duplicate can be days"
                        + " apart from its first copy, and a replay of some days cannot know the keys of the others; add '\(eventTime)' to the columns")
            }
        case .limit(let n, _):
            throw QueryError.invalidQuery(
                "replay of limit(\(n)): which rows a stream lets through depends on every batch since it started, which a replay of some days cannot reproduce")
        case .transformWithState:
            throw QueryError.invalidQuery(
                "replay of transformWithState: what a processor emits depends on when its timers fired and its state expired, which follow the stream's"
                    + " watermark and processing time batch by batch; a replay cannot reproduce them")
        default:
            break
        }
        for child in plan.children { try visit(child, eventTime: eventTime, live: live) }
    }
}
