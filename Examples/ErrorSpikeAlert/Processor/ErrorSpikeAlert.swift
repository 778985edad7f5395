import Streaming

/// Alerts once per episode when a key (a service) has more than `threshold` errors within
/// `window` of event time, and once more when it has calmed down: the window ending at a
/// moment the watermark has passed holds `threshold` or fewer errors again.
///
/// Each input row is one error; its time is `timeColumn`. State per key: the error times that
/// a window not yet checked can hold, and whether an episode is open. One event-time timer per
/// key, at the moment its oldest kept error leaves the window: that is when the count can drop,
/// so the window ending there is checked once the watermark has passed it (no error of it can
/// still arrive), the oldest error is dropped and the next timer set; the chain also clears the
/// key's state once its errors have all aged out.
///
/// Output: (key, event, at, errors) with event "spike" (at = the error that crossed the
/// threshold) or "calm" (at = the end of the first window, ending after the spike, back at or
/// below it).
public struct ErrorSpikeAlert: StatefulProcessor {
    public let keyColumn: String
    public let timeColumn: String
    public let threshold: Int
    public let window: Int64

    static let errorTimes = ListStateSpec<Int64>("errorTimes")
    /// The time of the error that opened the current episode; absent between episodes.
    static let episodeStart = ValueStateSpec<Int64>("episodeStart")

    /// - Parameters:
    ///   - keyColumn: the (string) grouping column, repeated as the output's first column.
    ///   - window: how far back errors count, e.g. 5 minutes.
    public init(keyColumn: String = "service", timeColumn: String = "timestamp", threshold: Int, window: Duration = .minutes(5)) {
        self.keyColumn = keyColumn
        self.timeColumn = timeColumn
        self.threshold = threshold
        self.window = window.microseconds
    }

    public var outputSchema: Schema {
        Schema([Field(keyColumn, .string), Field("event", .string), Field("at", .timestamp), Field("errors", .int64)])
    }

    public var stateVariables: [any StateVariableSpec] { [Self.errorTimes, Self.episodeStart] }

    public func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        let column = try rows.column(timeColumn)
        let times = column.int64Values
        let new = (0..<rows.rowCount).filter { column.isValid($0) }.map { times[$0] }.sorted()
        let list = try state.list(Self.errorTimes)
        let all = (try list.get() + new).sorted()
        var out: [[Value]] = []
        let episode = try state.value(Self.episodeStart)
        if try episode.get() == nil {
            // The first new error whose window (t - window, t] holds more than `threshold`.
            var start = 0
            for (i, t) in all.enumerated() {
                while all[start] <= t - window { start += 1 }
                if i - start + 1 > threshold && new.contains(t) {
                    out.append([key[0], .string("spike"), .timestamp(t), .int64(Int64(i - start + 1))])
                    try episode.update(t)
                    break
                }
            }
        }
        // Pruning is the timers' job: the windows ending at or before this batch's watermark are
        // checked after this call (timers fire after the input), and need these errors.
        try keep(all, list: list, state: state)
        return out
    }

    public func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
    {
        let end = expiredTimer.expiryTimeMicros
        let list = try state.list(Self.errorTimes)
        // Errors after `end` are kept (for later windows) but do not count in (end - window, end].
        let kept = try list.get().filter { $0 > end - window }
        let inWindow = kept.filter { $0 <= end }.count
        let episode = try state.value(Self.episodeStart)
        var out: [[Value]] = []
        // Only a window ending after the episode began can end it (a late error's window cannot).
        if let start = try episode.get(), end >= start, inWindow <= threshold {
            out.append([key[0], .string("calm"), .timestamp(end), .int64(Int64(inWindow))])
            episode.clear()
        }
        try keep(kept, list: list, state: state)
        return out
    }

    /// Stores the errors and keeps exactly one timer, at the oldest one's exit from the window.
    private func keep(_ times: [Int64], list: ListState<Int64>, state: StatefulProcessorHandle) throws {
        try list.put(times)
        let next = times.min().map { $0 + window }
        for t in try state.listTimers() where t != next { try state.deleteTimer(atMicros: t) }
        if let next { try state.registerTimer(atMicros: next) }
    }
}
