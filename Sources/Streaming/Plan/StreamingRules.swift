import Delta
import Sinks

/// An operator of a query the streaming rules look at: the stateful ones, and sorts and limits.
struct StatefulNode: Sendable {
    enum Kind: Sendable {
        case aggregation
        case sessionWindowAggregation
        case dropDuplicates
        case dropDuplicatesWithinWatermark
        /// `orderBy`: not stateful, allowed only on an aggregation's whole result.
        case sort
        /// `limit`: stateful in append mode (it counts the rows it let through).
        case limit
        case transformWithState
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
    /// Aggregations: an aggregate is over distinct values (`countDistinct`).
    var hasDistinctAggregate = false
    /// Sorts: an aggregation is below it.
    var aggregationBelow = false
    /// Stream-stream joins: the join type, and whether the watermarks let its state go as
    /// Spark requires of outer and semi joins (`StreamJoinAnalysis`).
    var join: StreamJoinAnalysis? = nil

    var isAggregation: Bool { kind == .aggregation || kind == .sessionWindowAggregation }

    /// Spark's `isStatefulOperation`: what the correctness check looks for after an aggregation.
    /// A `dropDuplicates` counts only when a key carries the watermark.
    var isCheckedAsStateful: Bool {
        switch kind {
        case .aggregation, .sessionWindowAggregation, .dropDuplicatesWithinWatermark: return true
        case .dropDuplicates: return keysHaveEventTime
        case .sort, .limit: return false
        case .transformWithState, .streamStreamJoin: return true
        }
    }
}

/// Spark's streaming rules (`UnsupportedOperationChecker.checkForStreaming` in Spark 4), in
/// Spark's order. Chains of stateful operators run as in Spark ≥ 3.4: in append mode, and in
/// update or complete mode when no aggregation is followed by another stateful operator (the
/// global-watermark correctness check, which is how Spark refuses update mode with chains).
enum StreamingRules {
    /// - Parameter nodes: the query's stateful operators, sorts and limits, bottom up (the first
    ///   reads the source).
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
            switch n.kind {
            case .aggregation, .sessionWindowAggregation:
                if n.hasDistinctAggregate { throw QueryError.analysis(.distinctAggregation) }
            case .dropDuplicatesWithinWatermark:
                if !n.watermarked { throw QueryError.analysis(.dropDuplicatesWithinWatermarkWithoutWatermark) }
            case .limit:
                if outputMode == .update { throw QueryError.analysis(.limitInUpdateMode) }
            case .sort:
                // Spark's `containsCompleteData`: an aggregation below, in complete mode.
                if !(n.aggregationBelow && outputMode == .complete) { throw QueryError.analysis(.sortWithoutCompleteAggregation) }
            case .streamStreamJoin:
                if let join = n.join { try join.check(outputMode: outputMode) }
            case .dropDuplicates, .transformWithState:
                break
            }
        }
        let stateful = nodes.filter { $0.kind != .sort && !($0.kind == .limit && outputMode != .append) }
        if stateful.count > 1, stateful.contains(where: { $0.kind == .transformWithState }) {
            throw QueryError.analysis(.transformWithStateInChain(stateful.map(\.name)))
        }
        if let join = stateful.firstIndex(where: { $0.kind == .streamStreamJoin }), join < stateful.count - 1 {
            throw QueryError.analysis(.statefulAfterStreamJoin(stateful.map(\.name)))
        }
        // Spark's global-watermark correctness check: outside append mode, an aggregation emits
        // rows a later stateful operator would count as late.
        if outputMode != .append {
            for (i, n) in nodes.enumerated() where i > 0 && n.isCheckedAsStateful {
                if nodes[..<i].contains(where: \.isAggregation) {
                    throw QueryError.analysis(.globalWatermarkCorrectness)
                }
            }
        }
    }
}
