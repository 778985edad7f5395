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

    /// Statistics of one batch's rows, to be added with `add` (kept apart so parts of a batch
    /// can be measured on several threads).
    struct Partial: Sendable {
        var min = Int64.max
        var max = Int64.min
        var sum: Double = 0
        var count: Int64 = 0
        var numAhead: Int64 = 0
    }

    func measure(_ batch: RecordBatch) throws -> Partial {
        let c = try batch.column(column)
        let t = c.int64Values
        var p = Partial()
        for i in 0..<batch.rowCount where c.isValid(i) {
            let v = t[i]
            if v > cutoff {
                p.numAhead += 1
                continue
            }
            if v < p.min { p.min = v }
            if v > p.max { p.max = v }
            p.sum += Double(v)
            p.count += 1
        }
        return p
    }

    func add(_ p: Partial) {
        min = Swift.min(min, p.min)
        max = Swift.max(max, p.max)
        sum += p.sum
        count += p.count
        numAhead += p.numAhead
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

    /// Runs the plan over a batch given in parts (in row order): the stateless steps before the
    /// first stateful one run on each part, the parts on both cores, so a batch's filtering and
    /// joining is parallel like its parsing; the rest runs on the parts' results joined in order.
    func execute(_ parts: [RecordBatch], inputSchema: Schema, context: StatefulContext) throws -> RecordBatch {
        let split = stages.firstIndex { if case .stateful = $0 { return true } else { return false } } ?? stages.count
        let head = Array(stages[..<split])
        let inputs = parts.isEmpty ? [RecordBatch.empty(inputSchema)] : try Self.coalesce(parts, into: ParallelMap.cores)
        let results = ParallelMap.run(inputs) { part in Result { try Self.runStateless(head, part) } }
        var outputs: [RecordBatch] = []
        for r in results {
            let (batch, stats) = try r.get()
            outputs.append(batch)
            for (collector, partial) in stats { collector.add(partial) }
        }
        var batch = try RecordBatch.concat(outputs, schema: outputs[0].schema)
        for stage in stages[split...] {
            switch stage {
            case .stateless(let op): batch = try op.process(batch)
            case .eventTime(let collector): collector.add(try collector.measure(batch))
            case .stateful(let op): batch = try op.process(batch, context: context)
            }
        }
        return batch
    }

    /// Consecutive parts joined into about `n` groups of similar row counts: many small parts
    /// (a batch of many small files) would cost more in per-part overhead than they gain.
    static func coalesce(_ parts: [RecordBatch], into n: Int) throws -> [RecordBatch] {
        guard parts.count > n else { return parts }
        let target = max(1, parts.reduce(0) { $0 + $1.rowCount } / n)
        var groups: [RecordBatch] = []
        var pending: [RecordBatch] = []
        var rows = 0
        for part in parts {
            pending.append(part)
            rows += part.rowCount
            if rows >= target {
                groups.append(try RecordBatch.concat(pending, schema: part.schema))
                pending = []
                rows = 0
            }
        }
        if !pending.isEmpty { groups.append(try RecordBatch.concat(pending, schema: pending[0].schema)) }
        return groups
    }

    /// Stateless stages only; event-time statistics are returned, not recorded, as this runs on
    /// several threads at once.
    private static func runStateless(_ stages: [Stage], _ input: RecordBatch) throws -> (RecordBatch, [(EventTimeStatsCollector, EventTimeStatsCollector.Partial)]) {
        var batch = input
        var stats: [(EventTimeStatsCollector, EventTimeStatsCollector.Partial)] = []
        for stage in stages {
            switch stage {
            case .stateless(let op): batch = try op.process(batch)
            case .eventTime(let collector): stats.append((collector, try collector.measure(batch)))
            case .stateful: preconditionFailure("stateful stages run on the joined parts")
            }
        }
        return (batch, stats)
    }
}
