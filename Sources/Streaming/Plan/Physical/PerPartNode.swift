import Columnar

/// A stateless node that works on each part of a batch on its own, so its work can be spread
/// over the cores.
///
/// A run of such nodes is fused: the topmost one executes the node below the run, then pushes
/// each part through the whole run on one thread, the parts on all cores (`ParallelMap`), and
/// only the narrow results are kept. A batch's filtering, projecting and joining is then as
/// parallel as its parsing, and no part waits for the others between two steps.
protocol PerPartNode: PhysicalNode {
    var child: any PhysicalNode { get }
    /// Runs on one part; called on several threads at once. Statistics go to `stats`.
    func process(part: RecordBatch, batch: BatchInput, stats: inout PartStatistics) throws -> RecordBatch
}

/// Event-time statistics measured on one part, by watermark id.
typealias PartStatistics = [Int: EventTimeStats]

extension PerPartNode {
    var children: [any PhysicalNode] { [child] }

    func execute(_ batch: BatchInput) throws -> NodeOutput {
        var run: [any PerPartNode] = [self]
        var below = child
        while let next = below as? any PerPartNode {
            run.append(next)
            below = next.child
        }
        run.reverse()
        var output = try below.execute(batch)
        let inputs = output.parts.isEmpty ? [RecordBatch.empty(output.schema)] : try PartPipeline.coalesce(output.parts, into: ParallelMap.cores)
        let steps = run
        let results = ParallelMap.run(inputs) { part in
            Result { () throws -> (RecordBatch, PartStatistics) in
                var stats: PartStatistics = [:]
                var rows = part
                for step in steps { rows = try step.process(part: rows, batch: batch, stats: &stats) }
                return (rows, stats)
            }
        }
        output.parts = []
        for r in results {
            let (rows, stats) = try r.get()
            output.parts.append(rows)
            for (id, s) in stats { output.eventTime[id, default: EventTimeStats()].add(s) }
        }
        output.schema = schema
        return output
    }
}

enum PartPipeline {
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
}
