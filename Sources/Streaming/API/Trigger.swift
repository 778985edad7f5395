/// When a query runs its next micro-batch.
public enum Trigger: Sendable, Equatable, CustomStringConvertible {
    /// Start a batch every `interval` (a batch that overruns delays the next; none are skipped to catch up).
    /// An interval of zero (the default trigger) runs the next batch as soon as the last ends.
    case processingTime(Duration)
    /// Process everything present at start, in as many batches as the rate limits need, then stop.
    case availableNow

    /// The default: the next batch as soon as the previous one ends.
    public static let `default` = Trigger.processingTime(.zero)

    public var description: String {
        switch self {
        case .processingTime(let d): return "ProcessingTime(\(d))"
        case .availableNow: return "AvailableNow"
        }
    }
}
