/// How often and how long to retry a throttled or failed request: at most `maxAttempts`
/// attempts in all, waiting a "full jitter" exponential backoff between them (a uniformly random
/// delay in `[0, min(maxDelay, baseDelay * 2^(attempt-1))]`, as AWS's "Exponential Backoff And
/// Jitter" recommends: concurrent clients spread out instead of retrying in lockstep).
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Five attempts, 100 ms base, 5 s cap.
    public static let standard = RetryPolicy()
    /// One attempt: errors surface at once.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The upper bound of the wait after failed attempt `attempt` (1-based).
    public func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let grown = baseDelay * (1 << doublings)
        return grown < maxDelay ? grown : maxDelay
    }

    /// A random wait in `[0, backoffCeiling(afterAttempt:)]`.
    public func delay(afterAttempt attempt: Int, using rng: inout some RandomNumberGenerator) -> Duration {
        let ceiling = backoffCeiling(afterAttempt: attempt)
        let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanos > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanos, using: &rng))
    }
}
