import Delta
import Synchronization

/// Compaction run by the Delta sink after a batch's commit, so a table written by a streaming
/// query reaches its layout (few large files, clustered) without anyone running `optimize`:
/// in each partition the batch wrote to, once `layout.minFiles` files are not yet in the layout,
/// they are rewritten into it in one `dataChange=false` commit (streaming readers of the table
/// skip it), and likewise once `minFiles` small files in the layout have piled up.
///
/// It runs after the batch is committed, so it never changes what the batch wrote. A compaction
/// that loses a race (a concurrent replay, merge or `optimize` removed one of its files) or
/// fails otherwise changes nothing and is retried after a later batch; lost races are counted in
/// `conflicts`, other errors in `failures` with the last one in `lastError`, and the query goes on.
public final class DeltaAutoCompaction: Sendable {
    public let layout: DeltaLayout
    private let state = Mutex(State())

    struct State {
        var runs = 0
        var commits = 0
        var conflicts = 0
        var failures = 0
        var lastError: String?
        var lastFailure: String?
        var lastResult: DeltaOptimizeResult?
    }

    public init(layout: DeltaLayout) {
        self.layout = layout
    }

    /// Compactions committed so far by this sink object.
    public var commits: Int { state.withLock { $0.commits } }
    /// Compactions that lost a race with another writer (and were left for a later batch).
    public var conflicts: Int { state.withLock { $0.conflicts } }
    /// Compactions that failed for another reason (and were left for a later batch).
    public var failures: Int { state.withLock { $0.failures } }
    /// The last failure's message (conflicts included).
    public var lastError: String? { state.withLock { $0.lastError } }
    /// The last message of a failure that was not a lost race.
    public var lastFailure: String? { state.withLock { $0.lastFailure } }
    /// What the last compaction that committed did.
    public var lastResult: DeltaOptimizeResult? { state.withLock { $0.lastResult } }

    func run(on table: DeltaTable, partitions: Set<[String: String?]>) {
        guard !partitions.isEmpty else { return }
        do {
            let r = try table.optimize(layout: layout, exhaustive: false) { partitions.contains($0) }
            state.withLock { s in
                s.runs += 1
                if r.version != nil {
                    s.commits += 1
                    s.lastResult = r
                }
            }
        } catch {
            let conflict: Bool = { if case DeltaError.concurrentModification = error { return true } else { return false } }()
            state.withLock { s in
                s.runs += 1
                if conflict { s.conflicts += 1 } else {
                    s.failures += 1
                    s.lastFailure = "\(error)"
                }
                s.lastError = "\(error)"
            }
        }
    }
}
