import Dispatch
import Synchronization

/// The background thread on which state providers do their maintenance (snapshots, deletion of
/// old files), one per query, like Spark's state store maintenance task. Jobs run one at a
/// time in submission order; a provider with a job still waiting is not queued twice (the
/// waiting job sees its newest commit). A failed job is reported by the next `submit`,
/// `checkFailure` or `waitUntilIdle`, so a query learns of it at its next commit or stop.
///
/// The query waits for it (`close()`) before releasing its checkpoint, so no maintenance of one
/// run overlaps the next run on the same checkpoint.
public final class StateMaintenanceTask: Sendable {
    private let queue = DispatchQueue(label: "sluice-state-maintenance")
    private let running = DispatchGroup()
    private let shared = Mutex(Shared())

    private struct Shared: Sendable {
        var waiting: Set<ObjectIdentifier> = []
        var failure: (any Error)?
        var closed = false
    }

    public init() {}

    /// Queues `provider.maintenance()` unless it is already waiting; throws an earlier failure.
    /// Providers call this after a commit that makes maintenance due.
    public func submit(_ provider: any StateStoreProvider) throws {
        let id = ObjectIdentifier(provider)
        let queued = try shared.withLock { s -> Bool in
            if let failure = s.failure { throw failure }
            guard !s.closed else {
                throw StateStoreError.invalidConfiguration("state maintenance was closed; the query has stopped")
            }
            return s.waiting.insert(id).inserted
        }
        guard queued else { return }
        queue.async(group: running) { [self] in
            // Taken off the waiting set first: a commit made while this job runs queues another.
            let failed = shared.withLock { s -> Bool in
                s.waiting.remove(id)
                return s.failure != nil
            }
            guard !failed else { return }
            do {
                try provider.maintenance()
            } catch {
                shared.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
    }

    /// Throws the failure of an earlier job, if any.
    public func checkFailure() throws {
        if let failure = shared.withLock({ $0.failure }) { throw failure }
    }

    /// Waits for every queued job; throws the first failure.
    public func waitUntilIdle() throws {
        running.wait()
        try checkFailure()
    }

    /// Waits for every queued job and refuses new ones; throws the first failure.
    public func close() throws {
        shared.withLock { $0.closed = true }
        try waitUntilIdle()
    }
}
