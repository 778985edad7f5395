import Columnar
import Formats
import Operators
import State
import Delta
import Sinks

/// Checks a logical plan against the streaming rules and builds its physical plan.
enum QueryPlanner {
    /// Where stateful operators keep their state, and how it is split.
    struct StateConfig: Sendable {
        var checkpointRoot: String
        var partitions: Int
        /// Where state commits record their phases (crash testing); nil normally.
        var trace: PhaseTrace? = nil
        /// The query's background state maintenance (snapshots, cleanup); nil: done at commit.
        var maintenance: StateMaintenanceTask? = nil
        /// State kept in memory only (`InMemoryStateStoreProvider`): for a run that is never
        /// restarted from, like a replay. `checkpointRoot` is then unused.
        var inMemory = false
    }

    /// The schema of the query's output, derived on the logical plan: nothing is read or built.
    static func outputSchema(_ plan: LogicalPlan) throws -> Schema {
        var analyzer = Analyzer()
        return try analyzer.resolve(plan).schema
    }

    /// The rewrites a query's plan goes through before its sources are built: filters below the
    /// watermark, filters into the sources that can use them, then column pruning (skipped when
    /// late rows go to a sink whole).
    static func optimize(_ plan: LogicalPlan, pruneColumns: Bool) -> LogicalPlan {
        let pushed = FilterPushdown.apply(pushFiltersBelowWatermark(plan))
        return pruneColumns ? ColumnPruning.apply(pushed) : pushed
    }

    /// - Parameters:
    ///   - sourceSchemas: the schema of each live source in `plan.sources` order (checked
    ///     against the schema its provider declared).
    ///   - sourceDescriptions: each source's description, for the plan's description.
    static func physical(
        _ plan: LogicalPlan, sourceSchemas: [Schema], sourceDescriptions: [String], outputMode: OutputMode, state: StateConfig
    ) throws -> PhysicalPlan {
        var planner = PhysicalPlanner(sources: sourceSchemas, sourceDescriptions: sourceDescriptions, mode: outputMode, state: state)
        return PhysicalPlan(root: try planner.build(pushFiltersBelowWatermark(plan)).node)
    }

    /// Spark pushes filters that do not read the event-time column below `withWatermark`, so
    /// the rows they remove do not count toward the watermark. Doing the same keeps results equal.
    static func pushFiltersBelowWatermark(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .filter(let cond, let child):
            // The child first: filters stacked on the watermark reach it one after the other.
            let pushed = pushFiltersBelowWatermark(child)
            if case .watermark(let column, let delay, let ahead, let below) = pushed, !cond.referencedColumns.contains(column) {
                return .watermark(column: column, delayMs: delay, maxAhead: ahead, pushFiltersBelowWatermark(.filter(cond, below)))
            }
            return .filter(cond, pushed)
        default:
            return plan.mapChildren(pushFiltersBelowWatermark)
        }
    }

    /// Checks the query as the user wrote it, before anything is read or written, and returns
    /// its output schema. In Spark's order: analysis (unknown columns, types) against each
    /// operator's whole input, not the columns pruning would leave; then Spark's streaming rules
    /// (`StreamingRules`); then what Sluice does not run yet.
    @discardableResult
    static func validate(outputMode: OutputMode, plan: LogicalPlan) throws -> Schema {
        var analyzer = Analyzer()
        let out = try analyzer.resolve(plan)
        try StreamingRules.check(analyzer.statefulNodes, outputMode: outputMode)
        return out.schema
    }

    /// Whether the rules accept the plan in `mode`.
    static func accepts(_ plan: LogicalPlan, outputMode: OutputMode) -> Bool {
        (try? validate(outputMode: outputMode, plan: plan)) != nil
    }
}

/// A query that cannot run as written.
public enum QueryError: Error, CustomStringConvertible, Equatable {
    case invalidQuery(String)
    case notStarted(String)
    /// Refused by analysis or a streaming rule, with Spark's condition and message.
    case analysis(AnalysisError)

    public var description: String {
        switch self {
        case .invalidQuery(let m): return "invalid query: \(m)"
        case .notStarted(let m): return "query could not start: \(m)"
        case .analysis(let e): return e.message
        }
    }
}
