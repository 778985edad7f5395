import Columnar
import Formats
import Foundation
import Delta
import Sinks

/// Where a query writes.
public enum SinkFormat: Sendable {
    /// A named in-memory table (see `MemoryTables`).
    case memory(String)
    /// Printed tables on standard output.
    case console(numRows: Int = 20, truncate: Bool = true)
    /// A sink object of your own.
    case custom(any Sink)
    /// A Delta Lake table at the path, created by the first batch, written exactly once per
    /// batch. Partition columns must be columns of the query's output, e.g.
    /// `.withColumn("date", toDate(col("ts")))` then `partitionBy: ["date"]`. Update mode
    /// merges on `mergeKeys` (which must include the partition columns).
    case delta(String, partitionBy: [String] = [], mergeKeys: [String] = [])
}

/// Describes the sink and settings of a query, then starts it with `start()`.
public struct DataStreamWriter: Sendable {
    let stream: DataStream
    var sinkFormat: SinkFormat?
    var mode: OutputMode = .append
    var checkpoint: String?
    var name: String?
    var triggerValue: Trigger = .default
    var faultHook: FaultHook?
    /// More phase observers (tests).
    var phaseObservers: [any BatchPhaseObserver] = []
    var lateRows: (any Sink)?
    var watermarkPolicy: WatermarkPolicy = .min
    var statePartitions = 2
    var minBatchesToRetain: Int64 = 100
    var clock: @Sendable () -> Date = { Date() }

    init(stream: DataStream) {
        self.stream = stream
    }

    public func format(_ f: SinkFormat) -> DataStreamWriter { with { $0.sinkFormat = f } }
    public func outputMode(_ m: OutputMode) -> DataStreamWriter { with { $0.mode = m } }
    /// The directory holding the query's offsets, commits, state and progress. Required except
    /// for memory and console sinks, which use a temporary directory when none is given (removed
    /// when the query stops without error). May be an `s3://bucket/prefix` URI once
    /// `S3Storage` is installed; a second query on it is then fenced out by conditional puts.
    public func checkpointLocation(_ path: String) -> DataStreamWriter { with { $0.checkpoint = path } }
    public func queryName(_ n: String) -> DataStreamWriter { with { $0.name = n } }
    public func trigger(_ t: Trigger) -> DataStreamWriter { with { $0.triggerValue = t } }

    /// Rows that a stateful operator drops as too late go to `sink` (with the batch id) instead
    /// of being lost silently.
    public func lateRows(to sink: any Sink) -> DataStreamWriter { with { $0.lateRows = sink } }

    /// How the global watermark is chosen from several watermarked inputs (default `.min`).
    /// Fixed when the checkpoint is created.
    public func watermarkPolicy(_ p: WatermarkPolicy) -> DataStreamWriter { with { $0.watermarkPolicy = p } }

    /// Number of state partitions (files per stateful operator and version). Fixed when the
    /// checkpoint is created; later values are ignored.
    public func statePartitions(_ n: Int) -> DataStreamWriter { with { $0.statePartitions = n } }

    /// Sends every batch, with its id, to `body`.
    public func foreachBatch(_ body: @escaping ForeachBatchSink.Body) -> DataStreamWriter {
        with { $0.sinkFormat = .custom(ForeachBatchSink(body)) }
    }

    func faultInjection(_ hook: @escaping FaultHook) -> DataStreamWriter { with { $0.faultHook = hook } }

    /// Tells `observer` of every phase the query enters and leaves (tests).
    func observingPhases(_ observer: any BatchPhaseObserver) -> DataStreamWriter { with { $0.phaseObservers.append(observer) } }

    /// Where batch timestamps come from, instead of the system clock (tests of processing time,
    /// as Spark's `StreamManualClock`).
    func processingClock(_ clock: @escaping @Sendable () -> Date) -> DataStreamWriter { with { $0.clock = clock } }

    /// How many batches of offsets and commits the checkpoint keeps (tests of retention only).
    func retainingBatches(_ n: Int64) -> DataStreamWriter { with { $0.minBatchesToRetain = n } }

    private func with(_ change: (inout DataStreamWriter) -> Void) -> DataStreamWriter {
        var c = self
        change(&c)
        return c
    }

    /// Checks the query, takes the checkpoint's lock and starts running batches on a new thread.
    public func start() throws -> StreamingQuery {
        guard let sinkFormat else { throw QueryError.invalidQuery("no sink: call .format(...) or .foreachBatch { ... } before start()") }
        if let error = stream.error { throw QueryError.invalidQuery(error) }
        let outputSchema = try QueryPlanner.validate(outputMode: mode, plan: stream.plan)

        let sink: any Sink
        var checkpointPath = checkpoint
        switch sinkFormat {
        case .memory(let table):
            sink = MemorySink(name: table)
            if checkpointPath == nil { checkpointPath = try Self.temporaryCheckpoint() }
        case .console(let rows, let truncate):
            sink = ConsoleSink(numRows: rows, truncate: truncate)
            if checkpointPath == nil { checkpointPath = try Self.temporaryCheckpoint() }
        case .custom(let s):
            sink = s
        case .delta(let path, let partitionBy, let mergeKeys):
            sink = DeltaSink(path: path, partitionBy: partitionBy, mergeKeys: mergeKeys)
        }
        // Before the checkpoint is created or locked: a refused query leaves no files behind.
        try sink.check(outputMode: mode, schema: outputSchema)
        guard let checkpointPath else {
            throw QueryError.invalidQuery("checkpointLocation is required for \(sink.description): it is what makes restarts exactly-once")
        }
        // A checkpoint made up for a memory or console sink goes when the query stops without
        // error, as Spark's does; after a failure it stays, to be looked at.
        let temporary = checkpoint == nil

        // Crash testing only: read once here so a query without it never looks again.
        let trace = try PhaseTrace.fromEnvironment()
        trace?.enter(.startup)
        let layout = CheckpointLayout(root: checkpointPath)
        // State snapshots and cleanup run here, off the batch path; finished before the lock goes.
        let maintenance = StateMaintenanceTask()
        let lock: CheckpointLock
        do { lock = try CheckpointLock(layout) } catch {
            if temporary { try? FileSystem.removeTree(checkpointPath) }
            throw error
        }
        do {
            var meta = try CheckpointMetadata.loadOrCreate(layout)
            // Late rows go out whole, so a query with a late-rows sink reads every column.
            let logical = QueryPlanner.optimize(stream.plan, pruneColumns: lateRows == nil)
            let specs = logical.sources
            // Before any source, state or sink is touched: the checkpoint must belong to this query.
            let storedOffsets = try OffsetLog(checkpoint: layout).latest()
            var nextBatch = storedOffsets?.batchId
            if let id = nextBatch, try CommitLog(checkpoint: layout).read(id) != nil { nextBatch = id + 1 }
            try meta.adopt(
                sources: try specs.map { try $0.identity() }, operators: OperatorShape.operators(of: stream.plan, outputMode: mode),
                sink: SinkIdentity(sink), nextBatch: nextBatch, layout: layout)
            let sources: [any StreamSource] = try specs.enumerated().map { i, spec in
                try spec.makeSource(metadataPath: layout.source(i))
            }
            var conf = [
                "sluice.checkpoint.formatVersion": "1",
                "sluice.watermark.policy": watermarkPolicy.rawValue,
                "sluice.stateStore.partitions": String(statePartitions),
            ]
            // Settings fixed by the checkpoint win over this run's.
            let stored = storedOffsets?.seq.metadata.conf ?? [:]
            for key in conf.keys { if let v = stored[key] { conf[key] = v } }
            let plan = try QueryPlanner.physical(
                logical, sourceSchemas: sources.map(\.schema), sourceDescriptions: sources.map(\.description), outputMode: mode,
                state: .init(
                    checkpointRoot: layout.root, partitions: Int(conf["sluice.stateStore.partitions"]!) ?? statePartitions, trace: trace,
                    maintenance: maintenance))
            try sink.open(SinkContext(queryId: meta.id, queryName: name, outputMode: mode, schema: plan.outputSchema, phaseTrace: trace))

            let queryId = meta.id
            let runId = UUID().uuidString.lowercased()
            let query = StreamingQuery(id: meta.id, runId: runId, name: name)
            let manager = stream.session.streams
            let config = MicroBatchExecution.Config(
                queryId: meta.id, runId: runId, name: name, layout: layout, trigger: triggerValue,
                readLimits: specs.map(\.readLimit), conf: conf,
                watermarkPolicy: WatermarkPolicy(rawValue: conf["sluice.watermark.policy"]!) ?? .min,
                minBatchesToRetain: minBatchesToRetain, sinkSinceBatch: meta.sinkSinceBatch ?? 0, clock: clock)
            let execution = try MicroBatchExecution(
                config: config, query: query, sources: sources, plan: plan, sink: sink, lateRowsSink: lateRows,
                listeners: { manager.listeners }, faultHook: faultHook, trace: trace, observers: phaseObservers)
            if lateRows != nil, plan.statefulOperators.isEmpty {
                throw QueryError.invalidQuery("lateRows(to:) needs a stateful operator (aggregation or deduplication) to drop late rows")
            }

            manager.register(query)
            for l in manager.listeners { l.onQueryStarted(id: meta.id, runId: runId, name: name) }
            let thread = Thread {
                var failure: (any Error)?
                do { try execution.run() } catch { failure = error }
                do { try maintenance.close() } catch { failure = failure ?? error }
                lock.release()
                if temporary && failure == nil { try? FileSystem.removeTree(checkpointPath) }
                manager.unregister(query)
                for l in manager.listeners { l.onQueryTerminated(id: queryId, runId: runId, error: failure) }
                query.markTerminated(failure)
            }
            thread.name = "sluice-query-\(name ?? meta.id)"
            thread.start()
            return query
        } catch {
            try? maintenance.close()
            lock.release()
            if temporary { try? FileSystem.removeTree(checkpointPath) }
            throw error
        }
    }

    private static func temporaryCheckpoint() throws -> String {
        let dir = FilePaths.join(NSTemporaryDirectory(), "sluice-checkpoint-\(UUID().uuidString.lowercased())")
        try FileSystem.createDirectory(dir)
        return dir
    }
}
