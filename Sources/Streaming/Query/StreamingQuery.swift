import Foundation

/// A handle on a running query. The query runs on its own thread; this handle observes and
/// controls it. A failure inside the query terminates it and is rethrown by `awaitTermination`.
public final class StreamingQuery: @unchecked Sendable {
    /// Stable across restarts: it is stored in the checkpoint.
    public let id: String
    /// New for every start.
    public let runId: String
    public let name: String?

    // All mutable state below is guarded by `condition`.
    private let condition = NSCondition()
    private var progress: [StreamingQueryProgress] = []
    private var terminated = false
    private var failure: (any Error)?
    private var stopRequested = false
    /// Incremented every time the query finds no new data after committing all it had.
    private var idleGeneration = 0
    private let maxRecentProgress = 100

    init(id: String, runId: String, name: String?) {
        self.id = id
        self.runId = runId
        self.name = name
    }

    /// The progress of the latest batch, nil before the first batch completes.
    public var lastProgress: StreamingQueryProgress? { locked { progress.last } }

    /// The progress of recent batches, oldest first (at most 100).
    public var recentProgress: [StreamingQueryProgress] { locked { progress } }

    /// True until the query stops or fails.
    public var isActive: Bool { locked { !terminated } }

    /// The error that terminated the query, if any.
    public var exception: (any Error)? { locked { failure } }

    /// Asks the query to stop after the batch in flight and waits until it has.
    public func stop() {
        locked {
            stopRequested = true
            condition.broadcast()
        }
        _ = try? awaitTermination()
    }

    /// Blocks until the query terminates; rethrows the error that terminated it.
    public func awaitTermination() throws {
        try locked {
            while !terminated { condition.wait() }
            if let failure { throw failure }
        }
    }

    /// Blocks until the query terminates or `timeout` passes; true if it terminated.
    public func awaitTermination(timeout: Duration) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        return try locked {
            while !terminated {
                if !condition.wait(until: deadline) { break }
            }
            if let failure { throw failure }
            return terminated
        }
    }

    /// Blocks until all data available in the sources when called has been processed and
    /// committed to the sink (or the query terminated). Meant for tests.
    public func processAllAvailable() throws {
        try locked {
            let start = idleGeneration
            while idleGeneration <= start && !terminated { condition.wait() }
            if let failure { throw failure }
        }
    }

    // MARK: - Called by the execution thread

    var isStopRequested: Bool { locked { stopRequested } }

    func record(_ p: StreamingQueryProgress) {
        locked {
            progress.append(p)
            if progress.count > maxRecentProgress { progress.removeFirst(progress.count - maxRecentProgress) }
            condition.broadcast()
        }
    }

    func markIdle() {
        locked {
            idleGeneration += 1
            condition.broadcast()
        }
    }

    func markTerminated(_ error: (any Error)?) {
        locked {
            terminated = true
            failure = error
            condition.broadcast()
        }
    }

    /// Sleeps up to `interval`, waking early when a stop is requested. Returns false if stopping.
    func sleep(_ interval: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(interval.seconds)
        return locked {
            while !stopRequested {
                if !condition.wait(until: deadline) { break }
            }
            return !stopRequested
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
