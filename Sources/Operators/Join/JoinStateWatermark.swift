import Columnar

/// Which state of a stream-stream join the watermark lets go, after Spark's
/// `StreamingSymmetricHashJoinHelper.getStateWatermarkPredicates`:
///
/// 1. A join key that is a side's event-time column, or the tumbling window of it
///    (`windowStart(eventTime, size)`; Spark: a key carrying the watermark, a window compared
///    by its end): both sides drop entries whose key (window end) is at or before the eviction
///    watermark.
/// 2. Otherwise, for a side with an event-time column, a range condition against the other
///    side's watermarked column gives a *state value watermark* (`StateValueWatermark`): the
///    side drops entries whose event time is at or before it.
/// 3. Neither: the side's state is kept for ever.
public struct JoinStateWatermarks: Sendable {
    public enum Rule: Sendable, Equatable {
        /// Drop entries whose key field `keyIndex` plus `windowMicros` (0 for a plain event
        /// time, the window size for a window start) is at or before the watermark.
        case key(keyIndex: Int, windowMicros: Int64)
        /// Drop entries whose event time is at or before the state value watermark.
        case value
    }

    public let left: Rule?
    public let right: Rule?
    private let conjuncts: [Expr]
    private let leftColumns: Set<String>
    private let rightColumns: Set<String>
    private let leftEventTime: String?
    private let rightEventTime: String?

    public init(condition: StreamJoinCondition, left: Schema, right: Schema, leftEventTime: String?, rightEventTime: String?) {
        conjuncts = condition.conjuncts
        leftColumns = Set(left.names)
        rightColumns = Set(right.names)
        self.leftEventTime = leftEventTime
        self.rightEventTime = rightEventTime
        if let k = Self.watermarkedKey(condition, leftEventTime: leftEventTime, rightEventTime: rightEventTime) {
            self.left = .key(keyIndex: k.index, windowMicros: k.windowMicros)
            self.right = .key(keyIndex: k.index, windowMicros: k.windowMicros)
        } else {
            self.left = leftEventTime == nil ? nil : .value
            self.right = rightEventTime == nil ? nil : .value
        }
    }

    /// Spark's `findJoinKeyOrdinalForWatermark`: the first key that carries the left side's
    /// event time, else the first that carries the right side's.
    public static func keyIndexForWatermark(_ c: StreamJoinCondition, leftEventTime: String?, rightEventTime: String?) -> Int? {
        watermarkedKey(c, leftEventTime: leftEventTime, rightEventTime: rightEventTime)?.index
    }

    static func watermarkedKey(_ c: StreamJoinCondition, leftEventTime: String?, rightEventTime: String?) -> (index: Int, windowMicros: Int64)? {
        func window(_ e: Expr, _ name: String?) -> Int64? {
            guard let name else { return nil }
            switch e.unaliased {
            case .column(let n) where n == name: return 0
            case .call(.windowStart(let size), let args) where args.count == 1:
                if case .column(let n) = args[0].unaliased, n == name { return size }
                return nil
            default: return nil
            }
        }
        for (i, k) in c.leftKeys.enumerated() { if let w = window(k, leftEventTime) { return (i, w) } }
        for (i, k) in c.rightKeys.enumerated() { if let w = window(k, rightEventTime) { return (i, w) } }
        return nil
    }

    /// The state value watermark (ms) of `side` for the eviction watermark `watermarkMs`, if the
    /// condition bounds it.
    public func valueWatermarkMs(_ side: JoinSide, watermarkMs: Int64) -> Int64? {
        StateValueWatermark.compute(
            stateColumns: side == .left ? leftColumns : rightColumns,
            otherColumns: side == .left ? rightColumns : leftColumns,
            otherEventTime: side == .left ? rightEventTime : leftEventTime, conjuncts: conjuncts, watermarkMs: watermarkMs)
    }

    /// The event time (µs) at or before which `side`'s entries go in a batch evicting at
    /// `watermarkMicros`, or nil when nothing of that side goes.
    public func threshold(_ side: JoinSide, watermarkMicros: Int64?) -> Int64? {
        guard let wm = watermarkMicros, let rule = side == .left ? left : right else { return nil }
        switch rule {
        case .key(_, let window): return wm &- window
        case .value: return valueWatermarkMs(side, watermarkMs: wm / 1000).map { $0 &* 1000 }
        }
    }

    /// The watermark of the join's output (µs) for an input watermark, as Spark's
    /// `produceOutputWatermark`: the minimum of the input watermark and each side's state
    /// watermark (a key rule's is the input watermark itself, a value rule's the state value
    /// watermark), since an output row carries event times of rows kept down to those. For an
    /// operator after the join in a chain (`StatefulPlanNode.outputWatermark(input:)`).
    public func outputWatermark(inputMicros: Int64) -> Int64 {
        var out = inputMicros
        for (side, rule) in [(JoinSide.left, left), (.right, right)] {
            guard case .value = rule, let ms = valueWatermarkMs(side, watermarkMs: inputMicros / 1000) else { continue }
            out = min(out, ms &* 1000)
        }
        return out
    }

    /// Whether a rising watermark can evict anything (Spark runs no-data batches then).
    public var evictsState: Bool {
        func can(_ side: JoinSide, _ rule: Rule?) -> Bool {
            switch rule {
            case .key: return true
            case .value: return valueWatermarkMs(side, watermarkMs: 1_000_000) != nil
            case nil: return false
            }
        }
        return can(.left, left) || can(.right, right)
    }
}

/// Spark's `StreamingJoinHelper.getStateValueWatermark`: from conjuncts of the form
/// `leftTime + c1 < rightTime + c2` (or `<=`, `>`, `>=`), the earliest event time a state row
/// of one side can still match, given the other side's watermark. A conjunct is rewritten as
/// `l - r < 0`, its terms collected; it bounds the state side when exactly one term is a state
/// column and it is negated (`-stateTime + otherTime + c < 0`, so `stateTime > wm + c`). The
/// other side's watermarked column becomes the watermark; any other column makes the conjunct
/// unusable. `<=` and `>=` take 1 ms off, since eviction is inclusive. The minimum over all
/// usable conjuncts wins; none: nil.
public enum StateValueWatermark {
    public static func compute(
        stateColumns: Set<String>, otherColumns: Set<String>, otherEventTime: String?, conjuncts: [Expr], watermarkMs: Int64
    ) -> Int64? {
        guard let otherEventTime else { return nil }
        var best: Int64?
        for c in conjuncts {
            let found: Int64?
            switch c.unaliased {
            case .binary(.less, let l, let r): found = solve(l, r)
            case .binary(.lessOrEqual, let l, let r): found = solve(l, r).map { $0 - 1 }
            case .binary(.greater, let l, let r): found = solve(r, l)
            case .binary(.greaterOrEqual, let l, let r): found = solve(r, l).map { $0 - 1 }
            default: found = nil
            }
            if let found { best = min(best ?? found, found) }
        }
        return best

        /// `l < r` solved for the state column, in ms.
        func solve(_ l: Expr, _ r: Expr) -> Int64? {
            let refs = l.referencedColumns.union(r.referencedColumns)
            guard refs.filter(stateColumns.contains).count <= 1, refs.filter(otherColumns.contains).count <= 1 else { return nil }
            guard let terms = collect(.binary(.subtract, l, r), negated: false) else { return nil }
            let constraint = terms.filter { if case .column(let n, _) = $0 { return stateColumns.contains(n) } else { return false } }
            guard constraint.count == 1, case .column(_, negated: true) = constraint[0] else { return nil }
            var sum = 0.0
            for t in terms {
                switch t {
                case .constant(let micros): sum += micros
                case .column(let n, let negated):
                    if stateColumns.contains(n) { continue }
                    // Only the other side's watermarked column has a value: the watermark.
                    guard n == otherEventTime else { return nil }
                    let wm = Double(watermarkMs) * 1000
                    sum += negated ? -wm : wm
                }
            }
            return Int64((sum / 1000).rounded(.towardZero))
        }
    }

    /// A term of a sum, in µs.
    enum Term {
        case column(String, negated: Bool)
        case constant(Double)
    }

    /// The terms of `e` as a sum, or nil when it holds anything but columns, timestamp
    /// literals, numbers (seconds, as Spark reads them) and fixed intervals.
    static func collect(_ e: Expr, negated: Bool) -> [Term]? {
        switch e {
        case .alias(let x, _): return collect(x, negated: negated)
        case .binary(.add, let a, let b):
            guard let x = collect(a, negated: negated), let y = collect(b, negated: negated) else { return nil }
            return x + y
        case .binary(.subtract, let a, let b):
            guard let x = collect(a, negated: negated), let y = collect(b, negated: !negated) else { return nil }
            return x + y
        case .call(.timestampAdd(let micros), let args) where args.count == 1:
            guard let x = collect(args[0], negated: negated) else { return nil }
            return x + [.constant(negated ? -Double(micros) : Double(micros))]
        case .cast(let x, let type) where type == .timestamp || type.isNumeric:
            return collect(x, negated: negated)
        case .column(let n):
            return [.column(n, negated: negated)]
        case .literal(let v):
            let micros: Double
            switch v {
            case .timestamp(let t): micros = Double(t)
            case .int64(let x): micros = Double(x) * 1_000_000
            case .double(let d): micros = d * 1_000_000
            default: return nil
            }
            return [.constant(negated ? -micros : micros)]
        default:
            return nil
        }
    }
}
