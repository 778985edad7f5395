import Columnar
import Synchronization

/// A named in-memory table fed by a query: for tests and notebook-style exploration.
///
/// In append and update mode each batch's rows are appended; in complete mode the table is
/// replaced. The sink remembers, per query id, the last batch id it applied: it ignores replays
/// and reports that id to the engine's start-up check. The table lives in this process only, so
/// a new `MemorySink` on an existing checkpoint holds nothing and the engine re-applies the
/// batches the checkpoint still has (or refuses when they are gone).
public final class MemorySink: Sink {
    public let name: String
    private let state = Mutex(State())

    private struct State {
        var batches: [RecordBatch] = []
        var mode: OutputMode = .append
        var schema: Schema?
        var appliedBatchIds: [Int64] = []
        /// The query of the current run (set by `open`).
        var queryId: String?
        /// The last batch applied per query id.
        var lastApplied: [String: Int64] = [:]
    }

    /// A sink writing to the table `name`, registered in `MemoryTables`.
    public init(name: String) {
        self.name = name
        MemoryTables.register(self)
    }

    public var description: String { "MemorySink[\(name)]" }

    public func open(_ context: SinkContext) throws {
        state.withLock {
            $0.mode = context.outputMode
            $0.schema = context.schema
            $0.queryId = context.queryId
        }
    }

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws {
        state.withLock {
            let query = $0.queryId ?? ""
            guard batchId > $0.lastApplied[query] ?? -1 else { return }
            if $0.mode == .complete { $0.batches = [batch] } else { $0.batches.append(batch) }
            $0.appliedBatchIds.append(batchId)
            $0.lastApplied[query] = batchId
        }
    }

    public func lastAppliedBatch() throws -> AppliedBatches {
        state.withLock { s in s.lastApplied[s.queryId ?? ""].map { .through($0) } ?? AppliedBatches.none }
    }

    /// Every row currently in the table.
    public var rows: [[Value]] { state.withLock { $0.batches.flatMap(\.rows) } }

    /// The table as one batch (empty if nothing arrived yet).
    public func table() throws -> RecordBatch? {
        try state.withLock { s in
            guard let schema = s.schema ?? s.batches.first?.schema else { return nil }
            return try RecordBatch.concat(s.batches, schema: schema)
        }
    }

    /// The batch ids applied so far, in order (each at most once).
    public var appliedBatchIds: [Int64] { state.withLock { $0.appliedBatchIds } }
}

/// The registry of memory sinks by name, so a test or notebook can look a table up.
public enum MemoryTables {
    private static let tables = Mutex([String: MemorySink]())

    static func register(_ sink: MemorySink) {
        tables.withLock { $0[sink.name] = sink }
    }

    /// The sink registered under `name`, if any.
    public static func sink(_ name: String) -> MemorySink? {
        tables.withLock { $0[name] }
    }
}
