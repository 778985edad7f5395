import Streaming

/// One row of the soak report.
struct SoakSample: Sendable {
    var minutes: Double
    var batches: Int64
    var process: ProcessUsage
    var checkpoint: DirectoryUsage
    var table: DirectoryUsage
    /// Live files and remembered tombstones of the sink's in-memory Delta snapshot.
    var snapshotFiles: Int
    var snapshotTombstones: Int
    var stateRows: Int64
    var inputFiles: Int
    /// Mean milliseconds per batch over the recent batches (at most the last 100): the whole
    /// trigger, finding new files (`latestOffset`) and the sink (`addBatch`).
    var batchMillis: Double
    var listMillis: Double
    var sinkMillis: Double
}

/// Takes samples of a running soak query from the outside of the engine: the process (kernel
/// and allocator), the files on disk, and what the public API shows (progress, the sink's table).
struct SoakProbe {
    let query: StreamingQuery
    let sink: DeltaSink
    let checkpoint: String
    let input: String

    func sample(elapsed: Duration) throws -> SoakSample {
        let recent = query.recentProgress
        let progress = recent.last
        func mean(_ phase: String) -> Double {
            recent.isEmpty ? 0 : Double(recent.reduce(0) { $0 + ($1.durationMs[phase] ?? 0) }) / Double(recent.count)
        }
        let snapshot = sink.table.exists ? try sink.table.snapshot() : nil
        let c = elapsed.components
        return SoakSample(
            minutes: (Double(c.seconds) + Double(c.attoseconds) / 1e18) / 60,
            batches: progress.map { $0.batchId + 1 } ?? 0,
            process: try ProcessUsage.current(),
            checkpoint: DirectoryUsage(checkpoint),
            table: DirectoryUsage(sink.table.path),
            snapshotFiles: snapshot?.files.count ?? 0,
            snapshotTombstones: snapshot?.tombstones.count ?? 0,
            stateRows: progress?.stateOperators.first?.numRowsTotal ?? 0,
            inputFiles: (try? FileSystem.list(input).filter { !$0.hasPrefix(".") }.count) ?? 0,
            batchMillis: mean("triggerExecution"), listMillis: mean("latestOffset"), sinkMillis: mean("addBatch"))
    }
}
