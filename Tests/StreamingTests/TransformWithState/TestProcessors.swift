import Streaming

/// Output (key, text), as Spark's test processors emit `(String, String)`.
let keyAndText = Schema([Field("key", .string), Field("value", .string)])

func text(_ key: [Value]) -> String {
    if case .string(let s) = key[0] { return s }
    return key[0].description
}

/// Spark's `RunningCountStatefulProcessor`: counts calls per key, forgets the key at 3.
struct RunningCount: StatefulProcessor {
    static let count = ValueStateSpec<Int64>("countState")
    var outputSchema: Schema { keyAndText }
    var stateVariables: [any StateVariableSpec] { [Self.count] }

    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        let countState = try state.value(Self.count)
        let count = (try countState.get() ?? 0) + 1
        if count == 3 {
            countState.clear()
            return []
        }
        try countState.update(count)
        return [[.string(text(key)), .string(String(count))]]
    }
}

/// Spark's `RunningCountStatefulProcessorWithProcessingTimeTimer`: keys "a" and "c" get a timer
/// 5 s after their first row; when it fires the count is dropped and "-1" emitted.
struct RunningCountWithProcessingTimer: StatefulProcessor {
    var outputSchema: Schema { keyAndText }
    var stateVariables: [any StateVariableSpec] { [RunningCount.count] }

    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        let countState = try state.value(RunningCount.count)
        let current = try countState.get() ?? 0
        if current == 0 && ["a", "c"].contains(text(key)) {
            try state.registerTimer(atMicros: timerValues.currentProcessingTimeMicros + 5_000_000)
        }
        let count = current + 1
        if count == 3 {
            countState.clear()
            return []
        }
        try countState.update(count)
        return [[.string(text(key)), .string(String(count))]]
    }

    func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
    {
        try state.value(RunningCount.count).clear()
        return [[.string(text(key)), .string("-1")]]
    }
}

/// Spark's `MaxEventTimeStatefulProcessor`: keeps each key's largest event time (seconds) and
/// one event-time timer 5 s after it; when the watermark passes the timer, emits -1 and forgets.
struct MaxEventTime: StatefulProcessor {
    static let maxSeconds = ValueStateSpec<Int64>("maxEventTimeState")
    var outputSchema: Schema { Schema([Field("key", .string), Field("maxSeconds", .int64)]) }
    var stateVariables: [any StateVariableSpec] { [Self.maxSeconds] }

    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        let maxState = try state.value(Self.maxSeconds)
        let times = try rows.column("ts").int64Values.map { $0 / 1_000_000 }
        let maxSeconds = max(times.max() ?? 0, try maxState.get() ?? 0)
        try maxState.update(maxSeconds)
        for t in try state.listTimers() { try state.deleteTimer(atMicros: t) }
        try state.registerTimer(atMicros: (maxSeconds + 5) * 1_000_000)
        return [[.string(text(key)), .int64(maxSeconds)]]
    }

    func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
    {
        try state.value(Self.maxSeconds).clear()
        return [[.string(text(key)), .int64(-1)]]
    }
}

/// Registers a timer whatever the time mode (for the time-mode refusal).
struct TimerRegistering: StatefulProcessor {
    var outputSchema: Schema { keyAndText }
    var stateVariables: [any StateVariableSpec] { [] }

    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        try state.registerTimer(atMicros: timerValues.currentProcessingTimeMicros + 1)
        return []
    }
}

/// Commands by `value`, after Spark's TTL suites' `InputEvent` actions: a positive value is
/// written to the value, list and map state (map key: the value mod 10); 0 reads them and
/// emits "value=<v|none> list=<…> map=<k:v …>".
struct TTLCommands: StatefulProcessor {
    static let value = ValueStateSpec<Int64>("value", ttl: .seconds(60))
    static let list = ListStateSpec<Int64>("list", ttl: .seconds(60))
    static let map = MapStateSpec<Int64, Int64>("map", ttl: .seconds(60))
    var outputSchema: Schema { keyAndText }
    var stateVariables: [any StateVariableSpec] { [Self.value, Self.list, Self.map] }

    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        var out: [[Value]] = []
        let value = try state.value(Self.value), list = try state.list(Self.list), map = try state.map(Self.map)
        for v in try rows.column("value").int64Values {
            if v > 0 {
                try value.update(v)
                try list.appendValue(v)
                try map.updateValue(v % 10, v)
            } else {
                let m = try map.entries().map { "\($0.key):\($0.value)" }.joined(separator: " ")
                let shown = "value=\(try value.get().map(String.init) ?? "none") list=\(try list.get().map(String.init).joined(separator: " ")) map=\(m)"
                out.append([.string(text(key)), .string(shown)])
            }
        }
        return out
    }
}

/// Declares the same variable name twice (refused at start).
struct DuplicateVariables: StatefulProcessor {
    var outputSchema: Schema { keyAndText }
    var stateVariables: [any StateVariableSpec] { [ValueStateSpec<Int64>("x"), ListStateSpec<String>("x")] }
    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] { [] }
}

/// Uses a variable it did not declare.
struct UndeclaredVariable: StatefulProcessor {
    var outputSchema: Schema { keyAndText }
    var stateVariables: [any StateVariableSpec] { [] }
    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        try state.value(RunningCount.count).update(1)
        return []
    }
}

/// A heartbeat per key: the first row starts a timer 5 s later; each firing emits its time (in
/// seconds) and registers the next one 5 s after it, three beats in all.
struct Heartbeat: StatefulProcessor {
    static let beats = ValueStateSpec<Int64>("beats")
    var outputSchema: Schema { keyAndText }
    var stateVariables: [any StateVariableSpec] { [Self.beats] }

    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]] {
        if try state.listTimers().isEmpty { try state.registerTimer(atMicros: timerValues.currentProcessingTimeMicros + 5_000_000) }
        return []
    }

    func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
    {
        let beats = try state.value(Self.beats)
        let n = (try beats.get() ?? 0) + 1
        if n < 3 {
            try beats.update(n)
            try state.registerTimer(atMicros: expiredTimer.expiryTimeMicros + 5_000_000)
        } else {
            beats.clear()
        }
        return [[.string(text(key)), .string("\(expiredTimer.expiryTimeMicros / 1_000_000)@\(timerValues.currentProcessingTimeMicros / 1_000_000)")]]
    }
}
