import Columnar

/// Which clock a `transformWithState` processor's timers follow (Spark 4's `TimeMode`).
public enum TimeMode: String, Sendable, Codable {
    /// No timers; state TTL still follows the batch's processing time.
    case none
    /// Timers fire once the batch's processing time (`offsets/N`'s timestamp) reaches them.
    case processingTime
    /// Timers fire once the event-time watermark reaches them; needs `withWatermark`.
    case eventTime
}

/// The clocks as the batch sees them, handed to every processor call (Spark's `TimerValues`).
public struct TimerValues: Sendable, Equatable {
    /// The batch's processing time in µs: the same on a re-run, since it is logged in `offsets/N`.
    public let currentProcessingTimeMicros: Int64
    /// The batch's watermark in µs (the eviction watermark, as Spark passes it); nil without one.
    public let currentWatermarkMicros: Int64?

    public init(currentProcessingTimeMicros: Int64, currentWatermarkMicros: Int64?) {
        self.currentProcessingTimeMicros = currentProcessingTimeMicros
        self.currentWatermarkMicros = currentWatermarkMicros
    }
}

/// The timer that fired (Spark's `ExpiredTimerInfo`).
public struct ExpiredTimerInfo: Sendable, Equatable {
    /// The time the timer was registered for, in µs.
    public let expiryTimeMicros: Int64

    public init(expiryTimeMicros: Int64) { self.expiryTimeMicros = expiryTimeMicros }
}

/// User logic over the rows of one grouping key with typed state and timers: Spark 4's
/// `StatefulProcessor`, Flink's `KeyedProcessFunction`. Use it with
/// `stream.groupByKey(...).transformWithState(processor, timeMode:)`.
///
/// In each batch, `handleInputRows` is called once per key that has rows (rows later than the
/// watermark of the previous batch are dropped first), then `handleExpiredTimer` once per timer
/// that is due, in time order; each call returns the rows to emit. State and timers belong to
/// the key of the call and are read and changed through `state`; they are committed with the
/// batch (state version N+1), so a re-run batch starts from exactly what it saw the first time.
public protocol StatefulProcessor: Sendable {
    /// The columns of the rows the processor emits.
    var outputSchema: Schema { get }
    /// Every state variable the processor uses (Spark declares them in `init`). Their names,
    /// kinds, types and TTLs are recorded in the checkpoint; a restart with others is refused.
    var stateVariables: [any StateVariableSpec] { get }

    /// Called with the key's rows of the batch (all input columns, in arrival order).
    func handleInputRows(key: [Value], rows: RecordBatch, timerValues: TimerValues, state: StatefulProcessorHandle) throws -> [[Value]]

    /// Called when a timer of the key is due; the timer is already deleted.
    func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
}

extension StatefulProcessor {
    /// A processor without timers emits nothing when one fires (it never registers one).
    public func handleExpiredTimer(key: [Value], timerValues: TimerValues, expiredTimer: ExpiredTimerInfo, state: StatefulProcessorHandle) throws
        -> [[Value]]
    { [] }
}

/// A processor's misuse of its state or timers, worded as Spark's error conditions.
public enum TransformWithStateError: Error, CustomStringConvertible, Equatable {
    /// Spark's `STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE`.
    case invalidTimeMode(operation: String, timeMode: TimeMode)
    /// A state variable used but not listed in `stateVariables`, or listed as another kind or type.
    case undeclaredStateVariable(name: String, detail: String)
    /// Two state variables of one name.
    case duplicateStateVariable(String)
    /// Spark's `STATEFUL_PROCESSOR_TTL_DURATION_MUST_BE_POSITIVE`.
    case ttlMustBePositive(operation: String, stateName: String)
    /// A row the processor emitted does not fit its `outputSchema`.
    case badOutputRow(row: [Value], reason: String)
    /// Stored state that does not decode under the declared variables.
    case corruptState(String)

    public var description: String {
        switch self {
        case .invalidTimeMode(let op, let mode):
            let spark = mode == .none ? "NoTime" : mode == .processingTime ? "ProcessingTime" : "EventTime"
            return "[STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE] Failed to perform stateful processor "
                + "operation=\(op) with invalid timeMode=\(spark) SQLSTATE: 42802"
        case .undeclaredStateVariable(let name, let detail):
            return "state variable '\(name)' \(detail); list every state variable in the processor's stateVariables"
        case .duplicateStateVariable(let name):
            return "[STATEFUL_PROCESSOR_VARIABLE_ALREADY_DEFINED] Failed to define state variable '\(name)': it is declared twice SQLSTATE: 42802"
        case .ttlMustBePositive(let op, let name):
            return "[STATEFUL_PROCESSOR_TTL_DURATION_MUST_BE_POSITIVE] TTL duration must be greater than zero for State store "
                + "operation=\(op) on state=\(name). SQLSTATE: 42802"
        case .badOutputRow(let row, let reason):
            return "transformWithState: the processor emitted \(row), which does not fit its outputSchema: \(reason)"
        case .corruptState(let reason):
            return "transformWithState: stored state does not decode: \(reason)"
        }
    }
}
