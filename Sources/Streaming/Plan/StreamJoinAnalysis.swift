import Columnar
import Operators

/// What analysis learns about a stream-stream join, for Spark's rules on it
/// (`UnsupportedOperationChecker`: append mode only; an outer or semi join needs a watermark
/// in the join keys, or a watermark on the other side and a range condition that bounds the
/// preserved side's state).
struct StreamJoinAnalysis: Sendable {
    var type: StreamJoinType
    /// A join key is a side's watermarked event-time column (Spark's `isWatermarkInJoinKeys`).
    var watermarkInJoinKeys: Bool
    /// The condition bounds the state of the side(s) Spark requires for `type`
    /// (`getStateValueWatermark(...).isDefined` in `checkForStreamStreamJoinWatermark`).
    var hasValidWatermarkRange: Bool

    /// Spark's checks, in its order.
    func check(outputMode: OutputMode) throws {
        if outputMode != .append {
            throw QueryError.analysis(.streamJoinOutputMode(outputMode))
        }
        guard type != .inner else { return }
        if !watermarkInJoinKeys && !hasValidWatermarkRange {
            throw QueryError.analysis(.streamJoinWithoutWatermark(type))
        }
    }
}

extension Analyzer {
    /// `left.join(right, on: condition, type:)` of two streams: the columns of both sides (left
    /// only for a left semi join; the side that may be missing nullable), the left side's
    /// event-time marking (else the right's).
    mutating func joinStream(_ left: Resolved, _ right: Resolved, condition: Expr, type: StreamJoinType) throws -> Resolved {
        let what = "join(\(condition), \(type.rawValue))"
        let shared = Set(left.schema.names).intersection(right.schema.names)
        guard shared.isEmpty else { throw QueryError.analysis(.streamJoinSharedColumns(shared.sorted(), context: what)) }
        let both = Schema(left.schema.fields + right.schema.fields)
        for c in condition.referencedColumns where both.index(of: c) == nil {
            throw QueryError.analysis(.unresolvedColumn(c, candidates: both.names, context: "== Query ==\n\(what)"))
        }
        guard try Self.wrap(what, { try condition.resultType(in: both) }) == .bool else {
            throw QueryError.invalidQuery("\(what): the join condition must be a boolean expression")
        }
        let split = try Self.wrap(what) { try StreamJoinCondition(condition, left: left.schema, right: right.schema) }
        guard !split.leftKeys.isEmpty else { throw QueryError.analysis(.streamJoinWithoutEquality) }
        let watermarks = JoinStateWatermarks(
            condition: split, left: left.schema, right: right.schema, leftEventTime: left.eventTime, rightEventTime: right.eventTime)
        let inKeys = JoinStateWatermarks.keyIndexForWatermark(split, leftEventTime: left.eventTime, rightEventTime: right.eventTime) != nil
        // Spark asks with a watermark of 1000000 ms whether a state value watermark exists.
        let bounds = { (side: JoinSide) in watermarks.valueWatermarkMs(side, watermarkMs: 1_000_000) != nil }
        let range: Bool
        switch type {
        case .inner: range = true
        case .leftOuter, .leftSemi: range = bounds(.left)
        case .rightOuter: range = bounds(.right)
        case .fullOuter: range = bounds(.left) && bounds(.right)
        }
        statefulNodes.append(
            StatefulNode(
                kind: .streamStreamJoin, name: what, watermarked: left.eventTime != nil || right.eventTime != nil,
                join: StreamJoinAnalysis(type: type, watermarkInJoinKeys: inKeys, hasValidWatermarkRange: range)))
        let schema = StreamingSymmetricHashJoin.outputSchema(left: left.schema, right: right.schema, type: type)
        if type == .leftSemi || left.eventTime != nil {
            return Resolved(schema: schema, eventTime: left.eventTime, delayMs: left.delayMs, derivedEventTime: left.derivedEventTime)
        }
        return Resolved(schema: schema, eventTime: right.eventTime, delayMs: right.delayMs, derivedEventTime: right.derivedEventTime)
    }
}

extension AnalysisError {
    /// Spark: a stream-stream join runs in append mode only.
    static func streamJoinOutputMode(_ mode: OutputMode) -> AnalysisError {
        legacy(
            "Join between two streaming DataFrames/Datasets is not supported in \(mode.rawValue.capitalized) output mode, "
                + "only in Append output mode")
    }

    /// Spark: an outer or semi join whose state the watermark could never let go.
    static func streamJoinWithoutWatermark(_ type: StreamJoinType) -> AnalysisError {
        legacy(
            "Stream-stream \(type.sparkName) join between two streaming DataFrame/Datasets is not supported without a watermark "
                + "in the join keys, or a watermark on the nullable side and an appropriate range condition")
    }

    /// Spark's planner (`StreamingJoinStrategy`): no `left = right` conjunct to hash on.
    static let streamJoinWithoutEquality = AnalysisError(
        "_LEGACY_ERROR_TEMP_1181", sqlState: nil, text: "Stream-stream join without equality predicate is not supported.")

    /// Sluice's own: columns are named, not qualified by their side, so the sides must not share names.
    static func streamJoinSharedColumns(_ names: [String], context: String) -> AnalysisError {
        AnalysisError(
            "SLUICE_JOIN_SHARED_COLUMN_NAMES", sqlState: "42702", parameters: ["columns": names.joined(separator: ", ")],
            text: "Both inputs of the stream-stream join have the column(s) \(names.map { "`\($0)`" }.joined(separator: ", ")); "
                + "rename one side's with select(col(\"x\").as(\"y\")) so every column name is unique.",
            context: "== Query ==\n\(context)")
    }
}
