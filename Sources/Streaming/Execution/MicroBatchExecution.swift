import Columnar
import Formats
import Foundation
import Delta
import Sinks

/// The micro-batch protocol, start to finish. Read this file to learn how a query runs.
///
/// For batch N:
/// 1. **Construct**: ask every source for its latest offset. Nothing new: no batch.
/// 2. **Write-ahead**: write `offsets/N` durably *before* reading any data.
/// 3. **Run**: read exactly the data between the offsets of N-1 and N (each source its own
///    range), run the plan over each source's rows (stateful operators load state version N),
///    commit state version N+1, hand the result to the sink with batch id N (a sink applies
///    each id at most once).
/// 4. **Mark done**: compute the next watermark; write `commits/N`; tell the sources they may
///    forget data before N.
///
/// With no new data, a batch still runs when the watermark has moved past the one the last
/// batch used and a stateful operator would emit or evict because of it (a no-data batch).
///
/// On restart, `offsets/N` without `commits/N` means batch N was in flight: it runs again with
/// exactly the offsets and watermark recorded in `offsets/N`, so it produces the same rows, and
/// the sink recognises the id. That is where exactly-once comes from.
///
/// Before that, the sink's last applied batch is compared with the checkpoint (`SinkCrossCheck`).
/// A sink that lost committed batches gets them again, each re-run from its logged offsets and
/// watermarks and the state version it first loaded; a sink ahead of the checkpoint is refused.
///
/// Each step runs as a `BatchPhase` (`phases.during(...)`): the observers time it for progress,
/// trace it for crash testing and, in tests, inject failures at its boundaries.
///
/// Runs on the query's own thread; nothing here is shared with other threads except `query`.
final class MicroBatchExecution: @unchecked Sendable {
    struct Config: Sendable {
        var queryId: String
        var runId: String
        var name: String?
        var layout: CheckpointLayout
        var trigger: Trigger
        /// How much one batch may take from each source, by source index.
        var readLimits: [ReadLimit]
        var conf: [String: String]
        var watermarkPolicy: WatermarkPolicy = .min
        /// Offsets and commits older than this many batches are deleted.
        var minBatchesToRetain: Int64 = 100
        /// The first batch run with this sink: commits before it recorded another sink's batches,
        /// so a new sink starts where the checkpoint is and is only checked for holding batches
        /// the checkpoint lacks (Spark lets a query move to a new output directory).
        var sinkSinceBatch: Int64 = 0
        /// Where batch timestamps (processing time) come from; tests pass a manual clock.
        var clock: @Sendable () -> Date = { Date() }
    }

    private let config: Config
    private let query: StreamingQuery
    private let sources: [any StreamSource]
    private let plan: PhysicalPlan
    private let sink: any Sink
    private let lateRowsSink: (any Sink)?
    private let offsetLog: OffsetLog
    private let commitLog: CommitLog
    private let progressLog: ProgressLog
    private let listeners: @Sendable () -> [any StreamingQueryListener]
    /// Told of every phase of every batch: fault injection (tests) and the crash-torture trace
    /// (`SLUICE_TRACE_PHASES`) when set; each trigger adds its timer.
    private let phases: PhaseObservers

    /// Where each source stands after the last committed batch.
    private var committedOffsets: [SourceOffset?]
    /// The batch to run next.
    private var currentBatchId: Int64 = 0
    /// A batch found in `offsets/` without its commit, to re-run before anything new.
    private var pendingBatch: OffsetSeq?
    /// Committed batches the sink lost, re-applied before anything else, and the last committed
    /// batch at start (for messages).
    private var batchesToReapply: ClosedRange<Int64>?
    private var committedAtStart: Int64 = -1
    /// nil when the query has no `withWatermark`.
    private var watermark: WatermarkTracker?
    /// The watermark the last batch ran with: the late-events watermark of the next batch.
    private var lastBatchWatermarkMicros: Int64 = 0
    private var lastTriggerStart: ContinuousClock.Instant?

    init(
        config: Config, query: StreamingQuery, sources: [any StreamSource], plan: PhysicalPlan, sink: any Sink,
        lateRowsSink: (any Sink)?, listeners: @escaping @Sendable () -> [any StreamingQueryListener], faultHook: FaultHook?,
        trace: PhaseTrace? = nil, observers: [any BatchPhaseObserver] = []
    ) throws {
        self.config = config
        self.query = query
        self.sources = sources
        self.plan = plan
        self.sink = sink
        self.lateRowsSink = lateRowsSink
        self.listeners = listeners
        let extraObservers = observers
        var observers: [any BatchPhaseObserver] = []
        if let faultHook { observers.append(FaultInjector(hook: faultHook)) }
        if let trace { observers.append(trace) }
        phases = PhaseObservers(observers: observers + extraObservers)
        offsetLog = try OffsetLog(checkpoint: config.layout)
        commitLog = try CommitLog(checkpoint: config.layout)
        progressLog = try ProgressLog(checkpoint: config.layout)
        committedOffsets = Array(repeating: nil, count: sources.count)
        if !plan.watermarks.isEmpty {
            watermark = WatermarkTracker(inputs: plan.watermarks.count, policy: config.watermarkPolicy, restoredMicros: nil)
        }
        let committed = try resumeFromCheckpoint()
        try crossCheckSink(committed: committed)
    }

    /// Runs batches as the trigger says until stopped, the backlog is done (`availableNow`), or an error.
    func run() throws {
        if let batches = batchesToReapply {
            for id in batches { try reapply(id) }
        }
        if config.trigger == .availableNow {
            for s in sources { try s.prepareForAvailableNow() }
        }
        while !query.isStopRequested {
            let start = ContinuousClock.now
            let ranBatch = try runTrigger()
            if !ranBatch {
                query.markIdle()
                if config.trigger == .availableNow { return }
            }
            switch config.trigger {
            case .availableNow:
                continue
            case .processingTime(let interval):
                let elapsed = ContinuousClock.now - start
                // With no interval, poll for new data at a modest rate instead of spinning.
                let wait = interval == .zero ? (ranBatch ? .zero : .milliseconds(100)) : interval - elapsed
                if wait > .zero, !query.sleep(wait) { return }
            }
        }
    }

    // MARK: - Phase 0: resume

    /// Finds where the previous run stopped: the next batch id, the committed offsets, the
    /// watermark, and whether the last batch must be re-run. Returns the last committed batch.
    private func resumeFromCheckpoint() throws -> (id: Int64, commit: CommitMetadata)? {
        guard let (latestId, latest) = try offsetLog.latest() else { return nil }
        guard latest.sourceOffsets.count == sources.count else {
            throw CheckpointError.incompatible(
                path: offsetLog.log.path(latestId),
                reason: "it records \(latest.sourceOffsets.count) source(s), this query has \(sources.count)")
        }
        if let commit = try commitLog.read(latestId) {
            committedOffsets = latest.sourceOffsets
            currentBatchId = latestId + 1
            lastBatchWatermarkMicros = latest.metadata.batchWatermarkMicros ?? 0
            restoreWatermark(max(commit.nextBatchWatermarkMicros ?? 0, latest.metadata.batchWatermarkMicros ?? 0), inputs: commit)
            return (latestId, commit)
        } else {
            pendingBatch = latest
            currentBatchId = latestId
            // The inputs' watermarks as batch N-1 left them: re-running N folds N's rows into them again.
            restoreWatermark(latest.metadata.batchWatermarkMicros ?? 0, inputs: latestId > 0 ? try commitLog.read(latestId - 1) : nil)
            if latestId > 0 {
                guard let previous = try offsetLog.read(latestId - 1) else {
                    throw CheckpointError.damaged(
                        path: offsetLog.log.path(latestId - 1),
                        reason: "batch \(latestId) is uncommitted and the offsets of batch \(latestId - 1), where it starts, are missing")
                }
                committedOffsets = previous.sourceOffsets
                lastBatchWatermarkMicros = previous.metadata.batchWatermarkMicros ?? 0
                return try commitLog.read(latestId - 1).map { (latestId - 1, $0) }
            }
            return nil
        }
    }

    private func restoreWatermark(_ micros: Int64, inputs commit: CommitMetadata?) {
        guard let w = watermark else { return }
        watermark = WatermarkTracker(
            inputs: plan.watermarks.count, policy: w.policy, restoredMicros: micros, restoredInputsMs: commit?.inputWatermarksMs)
    }

    // MARK: - Sink against checkpoint

    /// Compares the sink's last applied batch with the checkpoint; plans the re-application of
    /// batches the sink lost, or refuses to run. Sinks that cannot tell are not checked.
    private func crossCheckSink(committed: (id: Int64, commit: CommitMetadata)?) throws {
        guard let sinkBatch = try sink.lastAppliedBatch().lastBatchId else { return }
        let pending: Int64? = pendingBatch == nil ? nil : currentBatchId
        let check = SinkCrossCheck(
            committed: committed?.id, expectedSinkBatch: (committed?.id ?? -1) >= config.sinkSinceBatch ? committed?.commit.lastSinkBatch : nil,
            pending: pending, sinkBatch: sinkBatch)
        switch check.outcome {
        case .consistent:
            return
        case .ahead:
            throw SinkCheckError.sinkAhead(
                checkpoint: config.layout.root, sink: sink.description, sinkBatch: sinkBatch, committed: committed?.id,
                expectedSinkBatch: committed?.commit.lastSinkBatch, detail: try? sink.describeAppliedBatch(sinkBatch))
        case .behind(let missing):
            if let reason = try SinkCrossCheck.missingForReapply(
                missing, offsets: offsetLog, checkpointRoot: config.layout.root, statefulOperators: plan.statefulOperators.count,
                retainedBatches: config.minBatchesToRetain)
            {
                throw SinkCheckError.sinkBehind(
                    checkpoint: config.layout.root, sink: sink.description, sinkBatch: sinkBatch, committed: committed!.id,
                    expectedSinkBatch: missing.upperBound, reason: reason)
            }
            batchesToReapply = missing
            committedAtStart = committed!.id
        }
    }

    /// Runs committed batch `batchId` again, exactly as it first ran: the offsets of N-1 and N,
    /// their watermarks, the batch's processing time, and state version N (committing N+1 again,
    /// the same as before). `commits/N` and progress stay as they are.
    private func reapply(_ batchId: Int64) throws {
        do {
            guard let seq = try offsetLog.read(batchId) else {
                throw CheckpointError.damaged(path: offsetLog.log.path(batchId), reason: "missing")
            }
            var start: [SourceOffset?] = Array(repeating: nil, count: sources.count)
            var lateEvents: Int64 = 0
            if batchId > 0 {
                guard let previous = try offsetLog.read(batchId - 1) else {
                    throw CheckpointError.damaged(path: offsetLog.log.path(batchId - 1), reason: "missing")
                }
                start = previous.sourceOffsets
                lateEvents = previous.metadata.batchWatermarkMicros ?? 0
            }
            _ = try runBatch(batchId, seq, start: start, lateEventsWatermark: lateEvents, phases: phases)
        } catch let e as InjectedFault {
            throw e
        } catch {
            let now = (try? sink.lastAppliedBatch().lastBatchId) ?? nil
            throw SinkCheckError.sinkBehind(
                checkpoint: config.layout.root, sink: sink.description, sinkBatch: now ?? batchId - 1,
                committed: committedAtStart, expectedSinkBatch: batchesToReapply!.upperBound,
                reason: "re-running batch \(batchId) failed: \(error)")
        }
    }

    // MARK: - One trigger

    /// Runs one batch if there is one to run; false if there was nothing new.
    private func runTrigger() throws -> Bool {
        let timer = PhaseDurations()
        let phases = self.phases.adding(timer)
        let triggerStart = ContinuousClock.now
        let timestamp = Date()
        try phases.enter(.trigger, currentBatchId)

        // Phase 1 + 2: construct the batch and write it ahead.
        guard let (seq, latestOffsets) = try phases.during(.latestOffset, currentBatchId, constructNextBatch) else { return false }
        let batchId = currentBatchId
        if pendingBatch == nil {
            try phases.during(.offsetsWrite, batchId) { try offsetLog.write(batchId, seq) }
        }
        pendingBatch = nil

        // Phase 3: read, transform, commit state, hand to the sink.
        let batchWatermark = seq.metadata.batchWatermarkMicros
        let ran = try runBatch(batchId, seq, start: committedOffsets, lateEventsWatermark: lastBatchWatermarkMicros, phases: phases)
        let lastSinkBatch = try sink.lastAppliedBatch().lastBatchId

        // Phase 4: mark the batch done.
        watermark?.update(maxEventTimes: ran.eventTime.map(\.maxForWatermark), delaysMs: plan.watermarks.map(\.delayMs))
        lastBatchWatermarkMicros = batchWatermark ?? 0
        // Per-input watermarks only matter with several inputs; one input's is the global one.
        let inputWatermarks = plan.watermarks.count > 1 ? watermark?.perInputMs : nil
        try phases.during(.commitsWrite, batchId) {
            try commitLog.write(
                batchId,
                CommitMetadata(nextBatchWatermarkMicros: watermark?.currentMicros, lastSinkBatch: lastSinkBatch, inputWatermarksMs: inputWatermarks))
            for (i, s) in sources.enumerated() { if let end = seq.sourceOffsets[i] { try s.commit(end) } }
        }
        let startOffsets = committedOffsets
        committedOffsets = seq.sourceOffsets
        currentBatchId += 1
        try phases.enter(.idle, batchId)
        try purgeOldBatches()

        try phases.leave(.trigger, batchId)
        var progress = makeProgress(
            batchId: batchId, timestamp: timestamp, timer: timer, triggerStart: triggerStart,
            inputRows: ran.inputRows, malformedRows: ran.malformedRows, sourceMetrics: ran.sourceMetrics,
            operatorMetrics: ran.operatorMetrics, eventTime: ran.eventTime, startOffsets: startOffsets,
            endOffsets: seq.sourceOffsets, latestOffsets: latestOffsets, outputRows: Int64(ran.output.rowCount),
            batchWatermark: batchWatermark)
        if !ran.lookupJoins.isEmpty { progress.lookupJoins = ran.lookupJoins.map(LookupJoinProgress.init) }
        if !ran.staticTables.isEmpty { progress.staticTables = ran.staticTables }
        try progressLog.append(progress)
        query.record(progress)
        for l in listeners() { l.onQueryProgress(progress) }
        return true
    }

    /// What running a batch produced, for progress.
    private struct BatchRun {
        var output: RecordBatch
        var inputRows: [Int64]
        var malformedRows: [Int64]
        /// Source-specific figures for progress (`SourceProgress.metrics`), one per source.
        var sourceMetrics: [[String: String]]
        /// Each stateful operator's metrics, by operator id.
        var operatorMetrics: [StatefulOperatorMetrics]
        /// Each watermark's event-time statistics, by watermark id.
        var eventTime: [EventTimeStats]
        /// Each lookup join's metrics, by id.
        var lookupJoins: [LookupJoinMetrics]
        /// Each refreshable static table's version, by id.
        var staticTables: [StaticTableProgress]
    }

    /// Step 3 of batch `batchId`: reads each source from `start` to the batch's end offsets, runs
    /// the plan with the batch's watermarks, commits state version N+1 and hands the result to
    /// the sink (and late rows to theirs).
    private func runBatch(
        _ batchId: Int64, _ seq: OffsetSeq, start: [SourceOffset?], lateEventsWatermark: Int64, phases: PhaseObservers
    ) throws -> BatchRun {
        var inputRows: [Int64] = []
        var malformedRows: [Int64] = []
        var sourceMetrics: [[String: String]] = Array(repeating: [:], count: sources.count)
        let inputs: [[RecordBatch]] = try phases.during(.dataRead, batchId) {
            try sources.indices.map { i in
                guard let end = seq.sourceOffsets[i], end != start[i] else {
                    inputRows.append(0)
                    malformedRows.append(0)
                    return []
                }
                let read = try sources[i].getBatch(start: start[i], end: end, batchId: batchId)
                inputRows.append(Int64(read.numInputRows))
                malformedRows.append(Int64(read.malformedRows))
                sourceMetrics[i] = read.metrics
                return read.parts
            }
        }
        let batchWatermark = seq.metadata.batchWatermarkMicros
        let context = StatefulContext(
            batchId: batchId,
            watermarkForLateEvents: batchWatermark == nil ? nil : lateEventsWatermark,
            watermarkForEviction: batchWatermark)
        let result = try phases.during(.execution, batchId) {
            try plan.execute(BatchInput(sources: inputs, stateful: context, batchTimestampMicros: seq.metadata.batchTimestampMs * 1000))
        }
        let output = result.rows
        try phases.during(.stateCommit, batchId) { for op in plan.statefulOperators { try op.commit() } }
        let info = SinkBatchInfo(endOffsets: seq.sourceOffsets.map { $0?.json ?? "-" }, watermarkMicros: batchWatermark)
        try phases.during(.sinkWrite, batchId) {
            try sink.addBatch(batchId, output, info: info)
            if let lateRowsSink, let late = result.lateRows { try lateRowsSink.addBatch(batchId, late) }
        }
        return BatchRun(
            output: output, inputRows: inputRows, malformedRows: malformedRows, sourceMetrics: sourceMetrics,
            operatorMetrics: result.operatorMetrics, eventTime: result.eventTime, lookupJoins: result.lookupJoins,
            staticTables: result.staticTables)
    }

    /// The offsets of the next batch (a pending re-run first), or nil when no source has new data.
    /// Also returns each source's latest offset, for progress.
    private func constructNextBatch() throws -> (OffsetSeq, [SourceOffset?])? {
        if let pending = pendingBatch { return (pending, pending.sourceOffsets) }
        let latest = try sources.enumerated().map { i, s in
            try s.latestOffset(start: committedOffsets[i], limit: config.readLimits[i])
        }
        let nowMs = Int64(config.clock().timeIntervalSince1970 * 1000)
        if latest == committedOffsets {
            // No new data: run anyway if the watermark moved and an operator would act on it,
            // or an operator has a processing-time timer or TTL expiry due.
            let watermarkMoved =
                watermark.map { $0.currentMicros > lastBatchWatermarkMicros } ?? false
                && plan.statefulOperators.contains(where: \.reactsToWatermark)
            let due = try watermarkMoved || processingTimeWorkDue(nowMicros: nowMs * 1000)
            guard due else { return nil }
        }
        let meta = OffsetSeq.Metadata(batchWatermarkMicros: watermark?.currentMicros, batchTimestampMs: nowMs, conf: config.conf)
        return (OffsetSeq(metadata: meta, sourceOffsets: latest), latest)
    }

    /// Whether an operator's state (the version the next batch loads) has a processing-time
    /// timer or TTL expiry at or before `nowMicros`.
    private func processingTimeWorkDue(nowMicros: Int64) throws -> Bool {
        try plan.statefulOperators.contains { op in
            try (op as? any ProcessingTimeDrivenOperator)?.processingTimeEventDue(stateVersion: currentBatchId, now: nowMicros) ?? false
        }
    }

    private func purgeOldBatches() throws {
        let keepFrom = currentBatchId - config.minBatchesToRetain
        guard keepFrom > 0 else { return }
        try offsetLog.log.purge(before: keepFrom)
        try commitLog.log.purge(before: keepFrom)
    }

    // MARK: - Progress

    private func makeProgress(
        batchId: Int64, timestamp: Date, timer: PhaseDurations, triggerStart: ContinuousClock.Instant,
        inputRows: [Int64], malformedRows: [Int64], sourceMetrics: [[String: String]], operatorMetrics: [StatefulOperatorMetrics],
        eventTime: [EventTimeStats],
        startOffsets: [SourceOffset?], endOffsets: [SourceOffset?],
        latestOffsets: [SourceOffset?], outputRows: Int64, batchWatermark: Int64?
    ) -> StreamingQueryProgress {
        let total = inputRows.reduce(0, +)
        let triggerSeconds = max(Double(timer.durations["triggerExecution"] ?? 0) / 1000, 0.001)
        let sinceLast = lastTriggerStart.map { max((triggerStart - $0).seconds, 0.001) }
        lastTriggerStart = triggerStart
        let inputRate = { (rows: Int64) in sinceLast.map { Double(rows) / $0 } ?? 0 }
        let sourceProgress = sources.indices.map { i in
            SourceProgress(
                description: sources[i].description, startOffset: startOffsets[i]?.json, endOffset: endOffsets[i]?.json,
                latestOffset: latestOffsets[i]?.json, numInputRows: inputRows[i], numMalformedRows: malformedRows[i],
                inputRowsPerSecond: inputRate(inputRows[i]), processedRowsPerSecond: Double(inputRows[i]) / triggerSeconds,
                metrics: sourceMetrics[i].isEmpty ? nil : sourceMetrics[i])
        }
        let eventTimeMap = EventTimeProgress.map(eventTime, batchWatermarkMicros: batchWatermark)
        let stateOperators = operatorMetrics.map { m in
            StateOperatorProgress(
                operatorName: m.name, numRowsTotal: m.numRowsTotal, numRowsUpdated: m.numRowsUpdated,
                numRowsRemoved: m.numRowsRemoved, memoryUsedBytes: m.memoryUsedBytes,
                numRowsDroppedByWatermark: m.numRowsDroppedByWatermark)
        }
        return StreamingQueryProgress(
            id: config.queryId, runId: config.runId, name: config.name,
            timestamp: EventTimeProgress.format(timestamp), batchId: batchId, numInputRows: total,
            inputRowsPerSecond: inputRate(total), processedRowsPerSecond: Double(total) / triggerSeconds,
            durationMs: timer.durations, eventTime: eventTimeMap, stateOperators: stateOperators, sources: sourceProgress,
            sink: SinkProgress(description: sink.description, numOutputRows: outputRows))
    }
}
