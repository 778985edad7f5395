import Columnar
import Synchronization

/// A named in-memory table fed by a query: for tests and notebook-style exploration.
///
/// In append and update mode each batch's rows are appended; in complete mode the table is
/// replaced. The sink remembers the last batch id it applied and ignores replays of it.
public final class MemorySink: Sink {
    public let name: String
    private let state = Mutex(State())

    private struct State {
        var batches: [RecordBatch] = []
        var mode: OutputMode = .append
        var schema: Schema?
        var appliedBatchIds: [Int64] = []
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
        }
    }

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws {
        state.withLock {
            guard batchId > $0.appliedBatchIds.last ?? -1 else { return }
            if $0.mode == .complete { $0.batches = [batch] } else { $0.batches.append(batch) }
            $0.appliedBatchIds.append(batchId)
        }
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
