import Columnar
import Operators
import Synchronization

/// The stream-static join of a refreshable table (`DataReader.refreshing()`): at the start of
/// each batch it checks whether the table changed, re-reads it and rebuilds the hash index if
/// so, then joins every part of the batch with that one version, the parts on all cores.
struct RefreshingStaticJoinNode: PhysicalNode {
    let child: any PhysicalNode
    /// The refreshable join's number in the plan (children first), for progress.
    let id: Int
    let join: RefreshingStaticJoin
    let what: String

    var schema: Schema { join.outputSchema }
    var children: [any PhysicalNode] { [child] }
    var label: String { what }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        let (op, progress) = try join.forBatch()
        var output = try child.execute(batch)
        let results = ParallelMap.run(output.parts) { part in Result { try op.process(part) } }
        output.parts = try results.map { try $0.get() }
        output.schema = schema
        output.staticTables[id] = progress
        return output
    }
}

/// A query's join with one refreshable table: the version it joins with now, and its index.
final class RefreshingStaticJoin: Sendable {
    let outputSchema: Schema
    private let refresh: StaticTableRefresh
    private let stream: Schema
    private let keys: [String]
    private let type: JoinType
    private let outputs: Set<String>?
    private let state: Mutex<State>

    private struct State {
        var version: StaticTableVersion
        var op: HashJoinOperator
        var lastCheck: ContinuousClock.Instant?
    }

    init(_ refresh: StaticTableRefresh, stream: Schema, keys: [String], type: JoinType, outputs: Set<String>?) throws {
        let op = try HashJoinOperator(stream: stream, staticTable: refresh.first.batch, on: keys, type: type, outputs: outputs)
        outputSchema = op.outputSchema
        self.refresh = refresh
        self.stream = stream
        self.keys = keys
        self.type = type
        self.outputs = outputs
        state = Mutex(State(version: refresh.first.version, op: op))
    }

    /// The join the next batch runs with: the table's newest version if it changed since the
    /// last check (and `checkEvery` has passed since then), else the one in use.
    func forBatch(now: ContinuousClock.Instant = .now) throws -> (HashJoinOperator, StaticTableProgress) {
        try state.withLock { s in
            let source = refresh.source
            var refreshed = false
            if s.lastCheck.map({ now - $0 >= refresh.checkEvery }) ?? true {
                s.lastCheck = now
                let current = try wrap { try source.currentVersion() }
                if current != s.version {
                    let (version, batch) = try wrap { try source.read() }
                    let rows = try wrap { try conform(batch, version: version) }
                    s.op = try wrap { try HashJoinOperator(stream: stream, staticTable: rows, on: keys, type: type, outputs: outputs) }
                    s.version = version
                    refreshed = true
                }
            }
            return (s.op, StaticTableProgress(description: source.description, version: s.version.description, refreshed: refreshed))
        }
    }

    /// The rows with the first version's columns: a Delta table read without a declared
    /// schema takes the table's columns, which a later version may have changed.
    private func conform(_ batch: RecordBatch, version: StaticTableVersion) throws -> RecordBatch {
        let first = refresh.first.batch.schema
        let problem: String?
        if batch.schema == first { return batch }
        if let missing = first.names.first(where: { batch.schema.index(of: $0) == nil }) {
            problem = "column '\(missing)' is gone"
        } else {
            let projected = try batch.project(first.names)
            let nullsInNotNull = zip(first.fields, projected.columns).first { f, c in
                !f.nullable && (0..<projected.rowCount).contains { !c.isValid($0) }
            }
            if let (field, _) = nullsInNotNull {
                problem = "column '\(field.name)' was not null, now has nulls"
            } else if projected.schema.fields.map(\.type) == first.fields.map(\.type) {
                // The first version's field flags, so the join's output schema stays the one analysed.
                return try RecordBatch(schema: first, columns: projected.columns)
            } else {
                problem = zip(first.fields, projected.schema.fields).first { $0.type != $1.type }
                    .map { "column '\($0.name)' was \($0.type), now \($1.type)" }
            }
        }
        throw QueryError.invalidQuery(
            "\(refresh.source.description) changed its columns at \(version) (\(problem ?? "other columns")); the join keeps the columns it started with: restart the query to use the new ones")
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as QueryError { throw e } catch {
            throw QueryError.invalidQuery("refreshing \(refresh.source.description): \(error)")
        }
    }
}
