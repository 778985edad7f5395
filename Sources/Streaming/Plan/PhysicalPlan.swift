import Columnar
import Operators

/// Collects the event-time statistics of the rows flowing past a `withWatermark`.
///
/// Event times further ahead of the batch's processing time than `maxAhead` are left out: one
/// record stamped in the year 9999 would otherwise push the watermark there and make every
/// later row late. Such rows are still processed, and counted in `numAhead`.
final class EventTimeStatsCollector: @unchecked Sendable {
    let column: String
    let delayMs: Int64
    let maxAhead: Int64?
    private(set) var min = Int64.max
    private(set) var max = Int64.min
    private(set) var sum: Double = 0
    private(set) var count: Int64 = 0
    private(set) var numAhead: Int64 = 0
    private var cutoff = Int64.max

    init(column: String, delayMs: Int64, maxAhead: Int64?) {
        self.column = column
        self.delayMs = delayMs
        self.maxAhead = maxAhead
    }

    /// Starts a batch whose processing time is `batchTimestampMicros` (from `offsets/N`, so a
    /// re-run batch uses the same cutoff).
    func reset(batchTimestampMicros: Int64) {
        min = .max
        max = .min
        sum = 0
        count = 0
        numAhead = 0
        cutoff = maxAhead.map { batchTimestampMicros.addingReportingOverflow($0).overflow ? .max : batchTimestampMicros + $0 } ?? .max
    }

    func observe(_ batch: RecordBatch) throws {
        let c = try batch.column(column)
        let t = c.int64Values
        for i in 0..<batch.rowCount where c.isValid(i) {
            let v = t[i]
            if v > cutoff {
                numAhead += 1
                continue
            }
            if v < min { min = v }
            if v > max { max = v }
            sum += Double(v)
            count += 1
        }
    }
}

/// One step of a physical plan.
enum Stage: Sendable {
    case stateless(any BatchOperator)
    case eventTime(EventTimeStatsCollector)
    case stateful(any StatefulOperator)
}

/// The operators that turn one batch of source rows into one batch of result rows.
struct PhysicalPlan: Sendable {
    let stages: [Stage]
    let outputSchema: Schema

    var statefulOperators: [any StatefulOperator] {
        stages.compactMap { if case .stateful(let op) = $0 { return op } else { return nil } }
    }

    var eventTimeCollectors: [EventTimeStatsCollector] {
        stages.compactMap { if case .eventTime(let c) = $0 { return c } else { return nil } }
    }

    func execute(_ input: RecordBatch, context: StatefulContext) throws -> RecordBatch {
        var batch = input
        for stage in stages {
            switch stage {
            case .stateless(let op): batch = try op.process(batch)
            case .eventTime(let stats): try stats.observe(batch)
            case .stateful(let op): batch = try op.process(batch, context: context)
            }
        }
        return batch
    }
}
