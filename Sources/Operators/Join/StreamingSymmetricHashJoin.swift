import Columnar
import State

/// A stream-stream join (Spark's `StreamingSymmetricHashJoinExec`): each side buffers its rows
/// in state so that rows of the other side arriving in later batches can still find them, and
/// the watermark decides when buffered rows can no longer match (`JoinStateWatermarks`).
///
/// Per batch, as Spark does it:
/// 1. Left input: rows at or before the late-events watermark are dropped (if the left side has
///    an event-time column); rows failing the left-only conjuncts cannot match: they are
///    emitted with nulls at once if the left side is preserved, and not stored; the others are
///    joined with the right side's buffered rows (from earlier batches), which are marked
///    matched when a pair passes the condition, and are then buffered (a left-semi row that
///    matched is emitted once and not buffered).
/// 2. Right input: the same against the left side's buffer, which now holds this batch's left
///    rows, so pairs within one batch are found once. A right row is buffered unless this
///    batch's eviction would remove it at once and it is not an unmatched row of a preserved side.
/// 3. Eviction at this batch's watermark: a preserved side's evicted rows that never matched are
///    emitted with nulls for the other side (append mode: once, when no match can come).
///
/// Output: the left columns then the right columns (left only for `leftSemi`); the side that
/// may be missing becomes nullable.
public final class StreamingSymmetricHashJoin: StatefulOperator, @unchecked Sendable {
    public let outputSchema: Schema
    public let type: StreamJoinType
    public let condition: StreamJoinCondition
    public let watermarks: JoinStateWatermarks
    private let left: Schema
    private let right: Schema
    private let leftEventTime: String?
    private let rightEventTime: String?
    private let keyTypes: [DataType]
    private let codec: JoinRowCodec
    private var state: PendingState

    /// - Parameters:
    ///   - leftEventTime, rightEventTime: each side's watermarked event-time column, if any.
    ///   - stateProvider: makes the provider for the join's one store from its key and value schemas.
    public init(
        left: Schema, right: Schema, condition: Expr?, type: StreamJoinType, leftEventTime: String?, rightEventTime: String?,
        stateProvider: (_ keySchema: Schema, _ valueSchema: Schema) throws -> any StateStoreProvider
    ) throws {
        self.condition = try StreamJoinCondition(condition, left: left, right: right)
        guard !self.condition.leftKeys.isEmpty else { throw StreamJoinError.noEqualityPredicate }
        outputSchema = Self.outputSchema(left: left, right: right, type: type)
        self.type = type
        self.left = left
        self.right = right
        self.leftEventTime = leftEventTime
        self.rightEventTime = rightEventTime
        watermarks = JoinStateWatermarks(
            condition: self.condition, left: left, right: right, leftEventTime: leftEventTime, rightEventTime: rightEventTime)
        keyTypes = try self.condition.leftKeys.map { try $0.resultType(in: left) }
        codec = JoinRowCodec(left: left, right: right)
        let keySchema = Schema(
            [Field("side", .int64, nullable: false)] + keyTypes.enumerated().map { Field("key\($0.offset)", $0.element) }
                + [Field("index", .int64, nullable: false)])
        state = PendingState(provider: try stateProvider(keySchema, codec.schema))
    }

    /// The join's columns: left then right, the side that may be missing nullable.
    public static func outputSchema(left: Schema, right: Schema, type: StreamJoinType) -> Schema {
        func nullable(_ s: Schema) -> [Field] { s.fields.map { Field($0.name, $0.type, nullable: true) } }
        switch type {
        case .inner: return Schema(left.fields + right.fields)
        case .leftOuter: return Schema(left.fields + nullable(right))
        case .rightOuter: return Schema(nullable(left) + right.fields)
        case .fullOuter: return Schema(nullable(left) + nullable(right))
        case .leftSemi: return left
        }
    }

    public var reactsToWatermark: Bool { watermarks.evictsState }

    public func process(_ batch: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
        throw StreamJoinError.needsTwoInputs
    }

    public func commit() throws { try state.commit() }

    /// Runs one batch: `leftRows` and `rightRows` are what each input produced (possibly none).
    public func process(left leftRows: RecordBatch, right rightRows: RecordBatch, context: StatefulContext) throws -> StatefulOutput {
        var join = JoinState(store: try state.load(batchId: context.batchId))
        var m = StatefulOperatorMetrics(name: "symmetricHashJoin")
        var parts: [RecordBatch] = []
        let thresholds = (
            left: watermarks.threshold(.left, watermarkMicros: context.watermarkForEviction),
            right: watermarks.threshold(.right, watermarkMicros: context.watermarkForEviction)
        )
        for side in [JoinSide.left, .right] {
            let input = side == .left ? leftRows : rightRows
            let threshold = side == .left ? thresholds.left : thresholds.right
            let out = try joinSide(side, input, &join, lateWatermark: context.watermarkForLateEvents, threshold: threshold, metrics: &m)
            if out.rowCount > 0 { parts.append(out) }
        }
        // Eviction after both inputs, the preserved sides' unmatched rows emitted.
        for side in [JoinSide.left, .right] {
            guard let threshold = side == .left ? thresholds.left : thresholds.right else { continue }
            let removed = try evict(side, threshold: threshold, &join)
            m.numRowsRemoved += Int64(removed.count)
            let preserved = side == .left ? type.preservesLeft : type.preservesRight
            guard preserved else { continue }
            let unmatched = removed.filter { r in !r.value.withUnsafeBytes { codec.isMatched($0) } }.map(\.value)
            if !unmatched.isEmpty { parts.append(try withNulls(try codec.decode(unmatched, side: side), from: side)) }
        }
        let sm = join.store.metrics
        m.numRowsTotal = Int64(sm.numRowsTotal)
        m.memoryUsedBytes = Int64(sm.memoryUsedBytes)
        state.hold(join.store)
        let rows = parts.isEmpty ? RecordBatch.empty(outputSchema) : try RecordBatch.concat(parts, schema: outputSchema)
        return StatefulOutput(rows: rows, lateRows: nil, metrics: m)
    }

    // MARK: - One side's input

    /// Joins `side`'s input rows with the other side's buffered rows and buffers them.
    private func joinSide(
        _ side: JoinSide, _ input: RecordBatch, _ join: inout JoinState, lateWatermark: Int64?, threshold: Int64?,
        metrics m: inout StatefulOperatorMetrics
    ) throws -> RecordBatch {
        let n = input.rowCount
        guard n > 0 else { return RecordBatch.empty(outputSchema) }
        let other = side.other
        let preserved = side == .left ? type.preservesLeft : type.preservesRight
        let eventTimeName = side == .left ? leftEventTime : rightEventTime
        let eventTime = try eventTimeName.map { try input.column($0) }

        // Late rows (a null event time is never late: `null <= wm` is not true).
        var rows: [Int] = []
        rows.reserveCapacity(n)
        if let eventTime, let wm = lateWatermark {
            let t = eventTime.int64Values
            for r in 0..<n {
                if eventTime.isValid(r) && t[r] <= wm { m.numRowsDroppedByWatermark += 1 } else { rows.append(r) }
            }
        } else {
            rows = Array(0..<n)
        }
        let passes = try (side == .left ? condition.leftOnly : condition.rightOnly).map { try $0.evaluateMask(input) }
        let keyColumns = try (side == .left ? condition.leftKeys : condition.rightKeys).map { try $0.evaluate(input) }

        // Candidates: for each probing row, the other side's buffered rows of its key.
        var probing: [Int] = []
        for r in rows where passes?[r] ?? true { probing.append(r) }
        let prefixes = Self.prefixes(keyColumns, rows: probing, side: side)
        let otherPrefixes = Self.prefixes(keyColumns, rows: probing, side: other)
        let nullable = keyColumns.contains { $0.validity != nil }
        var pairRow: [Int] = [], pairCandidate: [Int] = []
        // Each buffered row once, however many input rows share its key: it is decoded once,
        // and marked matched (or, for a left semi join, emitted) once, as Spark's row-at-a-time
        // loop does by updating the flag as it goes.
        var candidates: [(prefix: [UInt8], index: Int, value: [UInt8])] = []
        var firstIndexOfKey: [ByteKey: Int] = [:]
        let skipMatched = type == .leftSemi && side == .right
        for (k, r) in probing.enumerated() {
            if nullable && keyColumns.contains(where: { !$0.isValid(r) }) { continue }
            let prefix = otherPrefixes[k]
            let n = join.count(prefix)
            guard n > 0 else { continue }
            let first: Int
            if let f = firstIndexOfKey[ByteKey(prefix)] {
                first = f
            } else {
                first = candidates.count
                firstIndexOfKey[ByteKey(prefix)] = first
                for i in 0..<n {
                    // Indexes of a key run 0..<n without gaps (`JoinState`).
                    guard let v = join.value(prefix, i) else { throw StreamJoinError.missingStateEntry(index: i, of: n) }
                    candidates.append((prefix, i, v))
                }
            }
            for c in first..<(first + n) {
                if skipMatched && candidates[c].value.withUnsafeBytes({ codec.isMatched($0) }) { continue }
                pairRow.append(r)
                pairCandidate.append(c)
            }
        }
        let otherRows = try codec.decode(candidates.map(\.value), side: other)
        var pass = [Bool](repeating: true, count: pairRow.count)
        if let both = condition.bothSides, !pairRow.isEmpty {
            let l = side == .left ? input.take(pairRow) : otherRows.take(pairCandidate)
            let rr = side == .left ? otherRows.take(pairCandidate) : input.take(pairRow)
            let pairs = try RecordBatch(schema: Schema(left.fields + right.fields), columns: l.columns + rr.columns)
            pass = try both.evaluateMask(pairs)
        }

        // Matches: mark the other side's rows, note which of this side's rows matched.
        var matched = [Bool](repeating: false, count: n)
        var emittedCandidate = [Bool](repeating: false, count: candidates.count)
        var semiOutput: [Int] = []
        for p in 0..<pairRow.count where pass[p] {
            matched[pairRow[p]] = true
            let c = pairCandidate[p]
            if !emittedCandidate[c] {
                emittedCandidate[c] = true
                if skipMatched { semiOutput.append(c) }
                let cand = candidates[c]
                if !cand.value.withUnsafeBytes({ codec.isMatched($0) }) {
                    try join.replace(cand.prefix, cand.index, codec.markedMatched(cand.value))
                }
            }
        }

        // Buffer this side's rows.
        var toStore: [Int] = [], storedPrefix: [[UInt8]] = []
        for (k, r) in probing.enumerated() {
            let hasNullKey = nullable && keyColumns.contains(where: { !$0.isValid(r) })
            if hasNullKey && !preserved { continue }
            if type == .leftSemi && side == .left && matched[r] { continue }
            if side == .right, let threshold, !(preserved && !matched[r]) {
                let evictedNow: Bool
                switch watermarks.right {
                case .key(let i, _): evictedNow = keyColumns[i].isValid(r) && keyColumns[i].int64Values[r] <= threshold
                case .value: evictedNow = eventTime.map { $0.isValid(r) && $0.int64Values[r] <= threshold } ?? false
                case nil: evictedNow = false
                }
                if evictedNow { continue }
            }
            toStore.append(r)
            storedPrefix.append(prefixes[k])
        }
        let values = codec.encode(input, side: side, rows: toStore, matched: toStore.map { matched[$0] }, eventTime: eventTime)
        for (prefix, v) in zip(storedPrefix, values) { try join.append(prefix, v) }
        m.numRowsUpdated += Int64(toStore.count)

        // Output, in input row order: a row failing this side's own conjuncts (preserved side:
        // with nulls), or the row's matches.
        if type == .leftSemi {
            if side == .left { return input.take((0..<n).filter { matched[$0] }) }
            return otherRows.take(semiOutput)
        }
        var outRows: [Int] = [], outOther: [Int] = []
        var p = 0
        for r in rows {
            if let passes, !passes[r] {
                if preserved {
                    outRows.append(r)
                    outOther.append(-1)
                }
                continue
            }
            while p < pairRow.count && pairRow[p] == r {
                if pass[p] {
                    outRows.append(r)
                    outOther.append(pairCandidate[p])
                }
                p += 1
            }
        }
        let mine = input.take(outRows), theirs = otherRows.columns.map { $0.take(orNull: outOther) }
        let columns = side == .left ? mine.columns + theirs : theirs + mine.columns
        return try RecordBatch(schema: outputSchema, columns: columns)
    }

    /// The key prefixes `(side, key…)` of `rows`.
    private static func prefixes(_ keyColumns: [Column], rows: [Int], side: JoinSide) -> [[UInt8]] {
        let keys = GroupKeyBatch(columns: keyColumns, rows: rows, extra: [Int64](repeating: Int64(side.rawValue), count: rows.count))
        return (0..<keys.count).map { k in keys.withKey(k) { Array($0) } }
    }

    // MARK: - Eviction

    /// Removes `side`'s entries at or before `threshold` (by key or by event time).
    private func evict(_ side: JoinSide, threshold: Int64, _ join: inout JoinState) throws -> [(key: [UInt8], value: [UInt8])] {
        switch side == .left ? watermarks.left : watermarks.right {
        case .key(let i, _):
            let types = [DataType.int64] + keyTypes
            return try join.removeAll(of: side) { k, _ in GroupKeyLayout.int64Field(1 + i, of: k, types: types).map { $0 <= threshold } ?? false }
        case .value:
            let codec = self.codec
            return try join.removeAll(of: side) { _, v in codec.eventTime(v).map { $0 <= threshold } ?? false }
        case nil:
            return []
        }
    }

    /// `rows` of `side` with nulls for the other side's columns, in output order.
    private func withNulls(_ rows: RecordBatch, from side: JoinSide) throws -> RecordBatch {
        let nulls = (side == .left ? right : left).fields.map { Column.repeating(.null, type: $0.type, count: rows.rowCount) }
        return try RecordBatch(schema: outputSchema, columns: side == .left ? rows.columns + nulls : nulls + rows.columns)
    }
}

/// A stream-stream join that cannot run as written.
public enum StreamJoinError: Error, CustomStringConvertible, Equatable {
    /// No `left = right` conjunct to hash on (Spark: "Stream-stream join without equality
    /// predicate is not supported").
    case noEqualityPredicate
    case needsTwoInputs
    /// A key's buffered rows are numbered 0..<n; one is missing (the state is damaged).
    case missingStateEntry(index: Int, of: Int)

    public var description: String {
        switch self {
        case .noEqualityPredicate: return "Stream-stream join without equality predicate is not supported"
        case .needsTwoInputs: return "a stream-stream join takes its two inputs through process(left:right:context:)"
        case .missingStateEntry(let i, let n):
            return "join state is damaged: a key has \(n) buffered rows but row \(i) is missing; restart from a checkpoint whose state is intact"
        }
    }
}
