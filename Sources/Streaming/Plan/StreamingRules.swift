import Delta
import Sinks

/// A stateful operator of a query, as the streaming rules see it.
struct StatefulNode: Sendable {
    enum Kind: Sendable {
        case aggregation
        case sessionWindowAggregation
        case dropDuplicates
        case dropDuplicatesWithinWatermark
        case streamStreamJoin
    }

    var kind: Kind
    /// The call as the user wrote it, for messages.
    var name: String
    /// Aggregations: the grouping holds the watermarked column (or a window on it).
    /// Deduplications: the input carries a watermark.
    var watermarked: Bool
    /// Deduplications: a key column carries the watermark.
    var keysHaveEventTime = false
    /// Stream-stream joins: the join type, and whether the watermarks let its state go as
    /// Spark requires of outer and semi joins (`StreamJoinAnalysis`).
    var join: StreamJoinAnalysis? = nil

    var isAggregation: Bool { kind == .aggregation || kind == .sessionWindowAggregation }
}

/// Spark's streaming rules (`UnsupportedOperationChecker.checkForStreaming` in Spark 4), in
/// Spark's order, over the stateful operators of a query, then what Sluice does not run yet.
enum StreamingRules {
    /// - Parameter nodes: the query's stateful operators, bottom up (the first reads the source).
    static func check(_ nodes: [StatefulNode], outputMode: OutputMode) throws {
        // Output modes. Spark looks at the topmost aggregation.
        let aggregations = nodes.filter(\.isAggregation)
        switch outputMode {
        case .append:
            if let top = aggregations.last, !top.watermarked {
                throw QueryError.analysis(.outputModeUnsupported(.append, operation: "streaming aggregations without watermark"))
            }
        case .update:
            if let top = aggregations.last, top.kind == .sessionWindowAggregation {
                throw QueryError.analysis(.sessionWindowInUpdateMode)
            }
        case .complete:
            if aggregations.isEmpty {
                throw QueryError.analysis(.outputModeUnsupported(.complete, operation: "no streaming aggregations"))
            }
        }
        // Per operator, bottom up.
        for n in nodes {
            if n.kind == .dropDuplicatesWithinWatermark && !n.watermarked {
                throw QueryError.analysis(.dropDuplicatesWithinWatermarkWithoutWatermark)
            }
            if let join = n.join { try join.check(outputMode: outputMode) }
        }
        // Spark's global-watermark correctness check: outside append mode, an aggregation emits
        // rows a later stateful operator would count as late. Spark counts `dropDuplicates` as
        // stateful here only when a key carries the watermark.
        if outputMode != .append {
            for (i, n) in nodes.enumerated() where i > 0 {
                let stateful = n.isAggregation || n.kind == .streamStreamJoin || n.kind == .dropDuplicatesWithinWatermark || (n.kind == .dropDuplicates && n.keysHaveEventTime)
                if stateful && nodes[..<i].contains(where: \.isAggregation) {
                    throw QueryError.analysis(.globalWatermarkCorrectness)
                }
            }
        }
        // What Spark runs and Sluice does not yet.
        if nodes.count > 1 {
            throw QueryError.analysis(.chainedStatefulOperators(nodes.map(\.name)))
        }
    }
}
