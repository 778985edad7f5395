/// The steps a query goes through, in the order batch N takes them: one vocabulary for the
/// engine's phase timings (progress `durationMs`), the crash-torture trace (`PhaseTrace`) and
/// the fault injection of tests. The raw value is the name the trace writes.
public enum BatchPhase: String, Sendable, CaseIterable {
    /// Query start: lock, checkpoint metadata, planning, opening the sink, reading the checkpoint.
    case startup
    /// A whole trigger, from asking the sources to the end of the batch (timing only).
    case trigger
    /// Asking the sources for new data (the file source logs the files it takes here).
    case latestOffset = "latest-offset"
    /// Writing `offsets/N`.
    case offsetsWrite = "offsets-write"
    /// Reading the batch's input from the sources.
    case dataRead = "data-read"
    /// Running the plan over the input (stateful operators load state N). Traced as part of
    /// `dataRead`, which the trace still shows.
    case execution
    /// Committing state version N+1 of every stateful operator (the trace shows the
    /// `stateDelta` steps inside it).
    case stateCommit = "state-commit"
    /// Writing one state partition's delta file of version N+1 (entered once per partition).
    case stateDelta = "state-delta"
    /// Writing one state partition's snapshot of version N+1 (every 10 versions), or deleting
    /// old state files; entered from the query's background maintenance task, not the batch.
    case stateSnapshot = "state-snapshot"
    /// Handing the batch to the sink.
    case sinkWrite = "sink-write"
    /// Delta sink: writing the batch's Parquet data files.
    case sinkDataFiles = "sink-data-files"
    /// Delta sink: writing the log commit (and a log checkpoint every 10 commits).
    case sinkLogCommit = "sink-log-commit"
    /// Writing `commits/N`.
    case commitsWrite = "commits-write"
    /// Batch N is committed: progress, retention, and waiting for the next batch.
    case idle

    /// The phases the crash-torture trace records, in protocol order. The others are inside
    /// one of these for the trace (`execution` and `stateCommit`) or span several (`trigger`).
    public static let traced: [BatchPhase] = [
        .startup, .latestOffset, .offsetsWrite, .dataRead, .stateDelta, .stateSnapshot, .sinkWrite, .sinkDataFiles, .sinkLogCommit,
        .commitsWrite, .idle,
    ]

    public var isTraced: Bool { Self.traced.contains(self) }

    /// The key of this phase's time in a progress record's `durationMs`, as Spark names it.
    public var durationKey: String? {
        switch self {
        case .trigger: return "triggerExecution"
        case .latestOffset: return "latestOffset"
        case .offsetsWrite: return "walCommit"
        case .dataRead: return "getBatch"
        case .execution: return "execution"
        case .stateCommit: return "stateCommit"
        case .sinkWrite: return "addBatch"
        case .commitsWrite: return "commitOffsets"
        default: return nil
        }
    }
}

/// Told as a query's execution enters and leaves each phase of a batch. Implementations time
/// the phases, record them for crash testing, or inject failures; throwing stops the query at
/// that point, as a crash there would.
public protocol BatchPhaseObserver: Sendable {
    /// `batch` is the batch id, nil for phases outside a batch (startup).
    func enter(_ phase: BatchPhase, batch: Int64?) throws
    /// Called only when the phase completed; not when it failed.
    func leave(_ phase: BatchPhase, batch: Int64?) throws
}

extension BatchPhaseObserver {
    public func leave(_ phase: BatchPhase, batch: Int64?) throws {}
}
