import Columnar
import Formats
import Foundation
import Operators
import State
import Delta
import Sinks

/// One attempt of a replay: find the boundary with the stream, read the input batch by batch
/// through the query's plan, write the output files, commit once.
struct ReplayRun {
    var tablePath: String
    var partitionBy: [String]
    var dateColumn: String
    var mode: OutputMode
    /// The query with the event-time range filter right above its source.
    var plan: LogicalPlan
    /// The source as declared (before column pruning).
    var declaredSource: any SourceProvider
    var predicate: Expr
    var days: Range<Int32>
    var inputDays: Range<Int32>
    var rules: ReplayRules
    var options: ReplayOptions
    var checkpoint: String?
    var appId: String

    func run(attempt: Int, hooks: ReplayHooks) throws -> ReplayResult {
        let table = DeltaTable(path: tablePath)
        // The snapshot first: the stream's batches it holds decide where the replay's input ends.
        let read = table.exists ? try table.snapshot() : nil
        let boundary = try checkpoint.map { try StreamBoundary.read(checkpoint: $0, snapshot: read) }

        let scratch = FilePaths.join(NSTemporaryDirectory(), "sluice-replay-\(UUID().uuidString.lowercased())")
        try FileSystem.createDirectory(scratch)
        defer { try? FileSystem.removeTree(scratch) }
        hooks.scratch?(scratch)
        let logical = QueryPlanner.optimize(plan, pruneColumns: true)
        let selection = ReplaySelection(
            predicate: predicate, days: inputDays, pruneDateDirectories: options.pruneDateDirectories, boundary: boundary,
            maxBytesPerBatch: options.maxBytesPerBatch, maxFilesPerBatch: options.maxFilesPerBatch)
        let input = try ReplayInputs.make(spec: logical.sources[0], declared: declaredSource, selection: selection, scratch: scratch)

        let planMode = Self.planMode(logical, user: mode, aggregates: rules.aggregates)
        let physical = try QueryPlanner.physical(
            logical, sourceSchemas: [input.schema], sourceDescriptions: ["replay input"], outputMode: planMode,
            // State lives as long as this replay; nothing will ever restart from it.
            state: .init(checkpointRoot: FilePaths.join(scratch, "state"), partitions: 1, inMemory: true))
        let replacement = try DeltaPartitionReplacement(
            table: table, schema: physical.outputSchema, partitionBy: partitionBy,
            replaces: { [dateColumn, days] values in
                guard let s = values[dateColumn] ?? nil, let d = Dates.parse(s) else { return false }
                return days.contains(d)
            })
        do {
            var result = ReplayResult()
            result.attempts = attempt
            result.readVersion = read?.version
            result.streamBatchId = boundary?.batchId
            result.filesRead = input.filesSelected
            result.filesPruned = input.filesPruned
            result.batches = input.batchCount
            let output = ReplayOutput(
                replacement: replacement, dateColumn: dateColumn, days: days, dropOutside: rules.marginMicros > 0,
                maxBytes: Int(clamping: options.maxBytesPerBatch))
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            var progress = ReplayProgress(
                batches: input.batchCount, files: input.filesSelected, days: days.count, daysDone: 0, filesDone: 0,
                batchesDone: 0, rowsRead: 0)
            options.onProgress?(progress)
            // Nothing read is late, and nothing is final before the end: no watermark per batch.
            for index in 0..<input.batchCount {
                let batch = try input.read(index)
                result.rowsRead += batch.numInputRows
                result.malformedRows += batch.malformedRows
                for part in batch.parts { result.inputRows += try predicate.evaluateMask(part).lazy.filter { $0 }.count }
                let rows = try physical.execute(
                    BatchInput(
                        sources: [batch.parts],
                        stateful: StatefulContext(batchId: Int64(index), watermarkForLateEvents: nil, watermarkForEviction: nil),
                        batchTimestampMicros: now)
                ).rows
                for op in physical.statefulOperators { try op.commit() }
                // An aggregation's result comes from the final batch (in complete mode every batch
                // emits all groups; only the last one counts).
                if !rules.aggregates { try output.add(rows) }
                progress.advance(past: index, input.batchFiles, days: days, rowsRead: result.rowsRead)
                options.onProgress?(progress)
            }
            if rules.aggregates {
                // Append beside a stream: only what the stream had emitted by batch T is final.
                var eviction: Int64? = Self.everythingFinal
                if mode == .append, let boundary { eviction = boundary.watermarkMicros }
                let rows = try physical.execute(
                    BatchInput(
                        sources: [[]],
                        stateful: StatefulContext(batchId: Int64(input.batchCount), watermarkForLateEvents: nil, watermarkForEviction: eviction),
                        batchTimestampMicros: now)
                ).rows
                try output.add(rows)
            }
            try output.flush()
            result.outputRows = output.rows
            try hooks.beforeCommit?(attempt)

            var parameters = ["replayFrom": Dates.format(days.lowerBound), "replayTo": Dates.format(days.upperBound)]
            if let boundary {
                parameters["streamQueryId"] = boundary.queryId
                parameters["streamBatchId"] = String(boundary.batchId)
            }
            let committed = try replacement.commit(
                readSnapshot: read,
                predicate: "\(dateColumn) >= '\(Dates.format(days.lowerBound))' AND \(dateColumn) < '\(Dates.format(days.upperBound))'",
                appTransaction: DeltaTxn(appId: appId, version: Int64(Date().timeIntervalSince1970 * 1000)),
                operationParameters: parameters)
            result.filesRemoved = committed.filesRemoved
            result.filesAdded = committed.filesAdded
            result.version = committed.version
            return result
        } catch {
            replacement.abandon()
            throw error
        }
    }

    /// An eviction watermark past every window: all of them are final.
    static let everythingFinal = Int64.max / 2

    /// The mode the replay's plan runs in. An aggregation runs in append mode, which holds every
    /// group in state until the final batch and then emits those final at its watermark; update
    /// and complete mode want every group, which append mode with an unbounded watermark gives
    /// when the groups are keyed by event time (exactly when the streaming rules accept append
    /// mode for the plan), and complete mode otherwise.
    static func planMode(_ plan: LogicalPlan, user: OutputMode, aggregates: Bool) -> OutputMode {
        guard aggregates, user != .append else { return user }
        return QueryPlanner.accepts(plan, outputMode: .append) ? .append : .complete
    }
}
