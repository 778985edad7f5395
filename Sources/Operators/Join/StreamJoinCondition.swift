import Columnar

/// A join condition split the way Spark's stream-stream join uses it
/// (`ExtractEquiJoinKeys` and `JoinConditionSplitPredicates`): equality conjuncts between an
/// expression of the left side and one of the right are the hash keys; the other conjuncts
/// are split into those that read only the left input, only the right, or both.
public struct StreamJoinCondition: Sendable {
    /// Key expressions, pairwise equal: `leftKeys[i] = rightKeys[i]`.
    public let leftKeys: [Expr]
    public let rightKeys: [Expr]
    /// Conjuncts reading only left columns (a conjunct reading no column is in both).
    public let leftOnly: Expr?
    public let rightOnly: Expr?
    /// Conjuncts reading both sides: evaluated on each candidate pair.
    public let bothSides: Expr?
    /// Every conjunct, keys included: what the state watermarks are derived from.
    public let conjuncts: [Expr]

    /// Splits `condition` over inputs with `left` and `right` columns (names must not overlap).
    public init(_ condition: Expr?, left: Schema, right: Schema) throws {
        let leftNames = Set(left.names), rightNames = Set(right.names)
        var lk: [Expr] = [], rk: [Expr] = []
        var l: [Expr] = [], r: [Expr] = [], both: [Expr] = []
        let conjuncts = condition.map(Self.conjuncts) ?? []
        for c in conjuncts {
            let refs = c.referencedColumns
            if case .binary(.equal, let a, let b) = c {
                let ar = a.referencedColumns, br = b.referencedColumns
                if !ar.isEmpty, !br.isEmpty, ar.isSubset(of: leftNames), br.isSubset(of: rightNames) {
                    lk.append(a)
                    rk.append(b)
                    continue
                }
                if !ar.isEmpty, !br.isEmpty, ar.isSubset(of: rightNames), br.isSubset(of: leftNames) {
                    lk.append(b)
                    rk.append(a)
                    continue
                }
            }
            let inLeft = refs.isSubset(of: leftNames), inRight = refs.isSubset(of: rightNames)
            if inLeft { l.append(c) }
            if inRight { r.append(c) }
            if !inLeft && !inRight { both.append(c) }
        }
        for (a, b) in zip(lk, rk) {
            let ta = try a.resultType(in: left), tb = try b.resultType(in: right)
            guard ta == tb else {
                throw ColumnarError.typeMismatch("join keys \(a) (\(ta)) and \(b) (\(tb)) differ in type; cast one so both are \(ta) or \(tb)")
            }
        }
        leftKeys = lk
        rightKeys = rk
        leftOnly = Self.and(l)
        rightOnly = Self.and(r)
        bothSides = Self.and(both)
        self.conjuncts = conjuncts
    }

    /// The conjuncts of `e` (`a AND b AND c` as `[a, b, c]`).
    public static func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let a, let b) = e.unaliased { return conjuncts(a) + conjuncts(b) }
        return [e.unaliased]
    }

    /// The conjunction of `es`, nil for none.
    public static func and(_ es: [Expr]) -> Expr? {
        guard var out = es.first else { return nil }
        for e in es.dropFirst() { out = out && e }
        return out
    }
}
