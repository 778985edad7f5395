import Columnar
import Operators
import State

/// One step of a physical plan.
enum Stage: Sendable {
    case stateless(any BatchOperator)
    case eventTime(EventTimeStatsCollector)
    case stateful(any StatefulOperator)
}

/// What running the plan over one batch produced.
struct PlanOutput {
    var rows: RecordBatch
    /// Rows the first stateful operator dropped as late.
    var lateRows: RecordBatch?
    /// Metrics of each stateful operator, in plan order.
    var operatorMetrics: [StatefulOperatorMetrics]
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
    func execute(_ parts: [RecordBatch], inputSchema: Schema, context: StatefulContext) throws -> PlanOutput {
        let split = stages.firstIndex { if case .stateful = $0 { return true } else { return false } } ?? stages.count
        let head = Array(stages[..<split])
        let inputs = parts.isEmpty ? [RecordBatch.empty(inputSchema)] : try Self.coalesce(parts, into: ParallelMap.cores)
        let cutoffs = head.map { stage -> Int64 in if case .eventTime(let c) = stage { return c.cutoff } else { return 0 } }
        let results = ParallelMap.run(inputs) { part in Result { try Self.runStateless(head, cutoffs: cutoffs, part) } }
        var outputs: [RecordBatch] = []
        for r in results {
            let (batch, stats) = try r.get()
            outputs.append(batch)
            for (collector, partial) in stats { collector.add(partial) }
        }
        var batch = try RecordBatch.concat(outputs, schema: outputs[0].schema)
        var late: RecordBatch?
        var metrics: [StatefulOperatorMetrics] = []
        for stage in stages[split...] {
            switch stage {
            case .stateless(let op): batch = try op.process(batch)
            case .eventTime(let collector): collector.add(try collector.measure(batch, cutoff: collector.cutoff))
            case .stateful(let op):
                let out = try op.process(batch, context: context)
                if metrics.isEmpty { late = out.lateRows }
                metrics.append(out.metrics)
                batch = out.rows
            }
        }
        return PlanOutput(rows: batch, lateRows: late, operatorMetrics: metrics)
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
    private static func runStateless(
        _ stages: [Stage], cutoffs: [Int64], _ input: RecordBatch
    ) throws -> (RecordBatch, [(EventTimeStatsCollector, EventTimeStatsCollector.Partial)]) {
        var batch = input
        var stats: [(EventTimeStatsCollector, EventTimeStatsCollector.Partial)] = []
        for (i, stage) in stages.enumerated() {
            switch stage {
            case .stateless(let op): batch = try op.process(batch)
            case .eventTime(let collector): stats.append((collector, try collector.measure(batch, cutoff: cutoffs[i])))
            case .stateful: preconditionFailure("stateful stages run on the joined parts")
            }
        }
        return (batch, stats)
    }
}
