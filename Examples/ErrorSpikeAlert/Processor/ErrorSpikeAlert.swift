import Streaming

/// Alerts once per episode when a key (a service) has more than `threshold` errors within
/// `window` of event time, and once more when it has calmed down: the window ending at a
/// moment the watermark has passed holds `threshold` or fewer errors again.
///
/// Each input row is one error; its time is `timeColumn`. State per key: the error times still
/// inside the window (a list) and whether an episode is open (a value). One event-time timer
/// per key, at the moment its oldest kept error leaves the window: that is when the count can
/// drop, and it also clears the key's state once its errors have all aged out.
///
/// Output: (key, event, at, errors) with event "spike" (at = the error that crossed the
/// threshold) or "calm" (at = the end of the first window back at or below it).
public struct ErrorSpikeAlert: StatefulProcessor {
    public let keyColumn: String
    public let timeColumn: String
    public let threshold: Int
    public let window: Int64

    static let errorTimes = ListStateSpec<Int64>("errorTimes")
    static let alerting = ValueStateSpec<Bool>("alerting")

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

    public var stateVariables: [any StateVariableSpec] { [Self.errorTimes, Self.alerting] }

    public func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        let column = try rows.column(timeColumn)
        let times = column.int64Values
        let new = (0..<rows.rowCount).filter { column.isValid($0) }.map { times[$0] }.sorted()
        let list = try state.list(Self.errorTimes)
        let all = (try list.get() + new).sorted()
        var out: [[Value]] = []
        let alerting = try state.value(Self.alerting)
        if try alerting.get() != true {
            // The first new error whose window (t - window, t] holds more than `threshold`.
            var start = 0
            for (i, t) in all.enumerated() {
                while all[start] <= t - window { start += 1 }
                if i - start + 1 > threshold && new.contains(t) {
                    out.append([key[0], .string("spike"), .timestamp(t), .int64(Int64(i - start + 1))])
                    try alerting.update(true)
                    break
                }
            }
        }
        let latest = all.last!
        try keep(all.filter { $0 > latest - window }, list: list, state: state)
        return out
    }

    public func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
    {
        let end = expiredTimer.expiryTimeMicros
        let list = try state.list(Self.errorTimes)
        let inWindow = try list.get().filter { $0 > end - window }
        let alerting = try state.value(Self.alerting)
        var out: [[Value]] = []
        if try alerting.get() == true && inWindow.count <= threshold {
            out.append([key[0], .string("calm"), .timestamp(end), .int64(Int64(inWindow.count))])
            alerting.clear()
        }
        try keep(inWindow, list: list, state: state)
        return out
    }

    /// Stores the errors still in the window and sets the one timer at the oldest one's exit.
    private func keep(_ times: [Int64], list: ListState<Int64>, state: StatefulProcessorHandle) throws {
        try list.put(times)
        for t in try state.listTimers() { try state.deleteTimer(atMicros: t) }
        if let oldest = times.min() { try state.registerTimer(atMicros: oldest + window) }
    }
}
