import Columnar
import Foundation
import Operators
import State
import Delta
import Sinks

/// What a replay did.
public struct ReplayResult: Sendable, Equatable {
    /// Source rows in the time range (the margin around it included).
    public var inputRows = 0
    /// Rows read from the input files, in range or not.
    public var rowsRead = 0
    /// Malformed input lines (handled by the source's mode; dead letters are the stream's to write).
    public var malformedRows = 0
    /// Rows the query produced and wrote.
    public var outputRows = 0
    /// Input files read, and files left unread because their `date=` directory (or, for a
    /// Delta source, their partition values or statistics) is outside the range.
    public var filesRead = 0
    public var filesPruned = 0
    /// Batches the input was read in.
    public var batches = 0
    public var filesRemoved = 0
    public var filesAdded = 0
    /// The table version of the replacement commit.
    public var version: Int64?
    /// The table version the replay read and committed against.
    public var readVersion: Int64?
    /// With a stream's checkpoint: its last batch in the table the replay read (T); the replay
    /// read the stream's input through that batch and no further.
    public var streamBatchId: Int64?
    /// 1, or more when a concurrent commit conflicted and the replay ran again.
    public var attempts = 0
}

/// How a replay reads and retries.
public struct ReplayOptions: Sendable {
    /// Input read per batch, roughly (a larger single file is one batch). Peak memory follows it.
    public var maxBytesPerBatch: Int64 = 64 << 20
    public var maxFilesPerBatch = 64
    /// Skip files in `<date column>=YYYY-MM-DD/` directories outside the range (README "Backfill").
    public var pruneDateDirectories = true
    /// Runs of the whole replay when a concurrent commit conflicts with it.
    public var maxAttempts = 3
    /// Called on the replaying thread before the first batch and after each batch is read
    /// and processed (not after the commit, which `replay` returning reports).
    public var onProgress: (@Sendable (ReplayProgress) -> Void)?

    public init() {}
}

/// Test hooks.
struct ReplayHooks: Sendable {
    /// Called with the attempt number once the output files are written, before the commit.
    var beforeCommit: (@Sendable (Int) throws -> Void)?
    /// Called with the replay's scratch directory once it exists.
    var scratch: (@Sendable (String) -> Void)?
}

extension DataStreamWriter {
    /// Backfill: runs the query definition over the source's rows whose event time lies in
    /// `[from, to)` and atomically replaces exactly those days in the Delta table this writer
    /// targets (one commit: remove the days' files live in the snapshot read, add the new ones).
    /// Other days are untouched; replaying twice leaves the table as after once.
    ///
    /// With `checkpointLocation` set to the checkpoint of the streaming query that writes the
    /// table, the replay is safe beside it, running or not: it reads exactly the input the
    /// stream had consumed up to its last batch in the table, and the stream keeps everything
    /// after (its appends to the replayed days are kept). The checkpoint is only read. Without
    /// `checkpointLocation` the replay reads all input in range: only right when no stream
    /// writes the table. README "Backfill" states the rules and what is refused.
    ///
    /// The sink must be `.delta(path, partitionBy:)` whose first partition column is a date
    /// derived from the event time, and the range whole UTC days. The input is read in batches
    /// of `options.maxBytesPerBatch`; stateful operators keep their state across them.
    ///
    /// - Parameters:
    ///   - from: start of the range, µs since the epoch (UTC midnight), inclusive.
    ///   - to: end of the range, µs since the epoch (UTC midnight), exclusive.
    ///   - eventTime: the source column holding event time; defaults to the `withWatermark` column.
    public func replay(from: Int64, to: Int64, eventTime: String? = nil, options: ReplayOptions = ReplayOptions()) throws -> ReplayResult {
        try replay(from: from, to: to, eventTime: eventTime, options: options, hooks: ReplayHooks())
    }

    func replay(from: Int64, to: Int64, eventTime: String?, options: ReplayOptions, hooks: ReplayHooks) throws -> ReplayResult {
        let run = try replayRun(from: from, to: to, eventTime: eventTime, options: options)
        var attempt = 1
        while true {
            do {
                return try run.run(attempt: attempt, hooks: hooks)
            } catch let e as DeltaError {
                guard case .concurrentModification = e, attempt < options.maxAttempts else { throw e }
                attempt += 1
            }
        }
    }

    /// Checks the writer and the query and fixes what every attempt shares.
    private func replayRun(from: Int64, to: Int64, eventTime: String?, options: ReplayOptions) throws -> ReplayRun {
        guard case .delta(let path, let partitionBy, _)? = sinkFormat else {
            throw QueryError.invalidQuery("replay writes a Delta table: call .format(.delta(path, partitionBy: [\"date\"])) first")
        }
        guard from < to, from % Timestamps.microsPerDay == 0, to % Timestamps.microsPerDay == 0 else {
            throw QueryError.invalidQuery(
                "replay range [\(Timestamps.format(from)), \(Timestamps.format(to))) must be whole UTC days, so each replaced partition is recomputed in full")
        }
        guard options.maxAttempts >= 1, options.maxBytesPerBatch > 0, options.maxFilesPerBatch > 0 else {
            throw QueryError.invalidQuery("replay options: maxAttempts, maxBytesPerBatch and maxFilesPerBatch must be positive")
        }
        if let error = stream.error { throw QueryError.invalidQuery(error) }
        try QueryPlanner.validate(outputMode: mode, plan: stream.plan)
        let specs = stream.plan.sources
        guard specs.count == 1 else { throw QueryError.invalidQuery("replay reads queries of one stream; this one reads \(specs.count)") }
        guard let column = eventTime ?? Self.watermarkColumn(stream.plan) else {
            throw QueryError.invalidQuery("replay needs the event-time column: pass eventTime: or declare withWatermark")
        }
        let sourceSchema = specs[0].schema
        guard sourceSchema.field(column)?.type == .timestamp else {
            throw QueryError.invalidQuery("replay: '\(column)' is not a timestamp column of the source (\(sourceSchema.names.joined(separator: ", ")))")
        }
        let rules = try ReplayRules.check(stream.plan, mode: mode, eventTime: column, live: checkpoint != nil)
        let outputSchema = try QueryPlanner.outputSchema(stream.plan)
        guard let dateColumn = partitionBy.first, outputSchema.field(dateColumn)?.type == .date else {
            throw QueryError.invalidQuery("replay replaces whole days: the table's first partition column must be a date column of the output")
        }
        let margin = rules.marginMicros
        let predicate = col(column) >= lit(.timestamp(from - margin)) && col(column) < lit(.timestamp(to + margin))
        let marginDays = Int32((margin + Timestamps.microsPerDay - 1) / Timestamps.microsPerDay)
        let days = Int32(from / Timestamps.microsPerDay)..<Int32(to / Timestamps.microsPerDay)
        return ReplayRun(
            tablePath: path, partitionBy: partitionBy, dateColumn: dateColumn, mode: mode,
            plan: Self.filteringSource(stream.plan, predicate), declaredSource: specs[0], predicate: predicate, days: days,
            inputDays: days.lowerBound - marginDays..<days.upperBound + marginDays, rules: rules, options: options,
            checkpoint: checkpoint, appId: "sluice-replay" + (name.map { ":" + $0 } ?? ""))
    }

    /// The column of the first `withWatermark` in the plan.
    static func watermarkColumn(_ plan: LogicalPlan) -> String? {
        if case .watermark(let column, _, _, _) = plan { return column }
        return plan.children.lazy.compactMap(watermarkColumn).first
    }

    /// `plan` with `predicate` applied right above its source, where column pruning keeps the
    /// event-time column and the rows out of range go first.
    static func filteringSource(_ plan: LogicalPlan, _ predicate: Expr) -> LogicalPlan {
        if case .source = plan { return .filter(predicate, plan) }
        return plan.mapChildren { filteringSource($0, predicate) }
    }
}
