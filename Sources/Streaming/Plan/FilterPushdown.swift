import Columnar
import Formats

/// Hands the string-equality parts of a filter that sits right on a source to that source, so
/// its reader can skip non-matching rows before building them (Spark pushes filters into its
/// JSON parser the same way). The filter stays in the plan: a source may use all, some or none
/// of what it is given, and results are the same either way.
enum FilterPushdown {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .filter(let cond, .source(let spec)):
            return .filter(cond, .source(spec.pushingFilter(cond)))
        case .source:
            return plan
        default:
            return plan.mapChildren(apply)
        }
    }

    /// The conditions of `predicate` a reader can test on raw values: conjuncts of the form
    /// `column == "text"`, or an OR of such equalities on one column, over string columns of `schema`.
    static func scanFilter(_ predicate: Expr, schema: Schema) -> ScanFilter? {
        var conditions: [ScanFilter.Condition] = []
        for conjunct in conjuncts(predicate) {
            guard let (column, values) = equalities(conjunct), schema.field(column)?.type == .string else { continue }
            conditions.append(ScanFilter.Condition(field: column, values: values))
        }
        return conditions.isEmpty ? nil : ScanFilter(conditions)
    }

    private static func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let l, let r) = e { return conjuncts(l) + conjuncts(r) }
        return [e]
    }

    /// `c == "a"` → (c, [a]); `c == "a" || c == "b"` → (c, [a, b]); anything else nil.
    private static func equalities(_ e: Expr) -> (String, [String])? {
        switch e {
        case .binary(.equal, .column(let c), .literal(.string(let v))), .binary(.equal, .literal(.string(let v)), .column(let c)):
            return (c, [v])
        case .binary(.or, let l, let r):
            guard let (a, x) = equalities(l), let (b, y) = equalities(r), a == b else { return nil }
            return (a, x + y)
        default:
            return nil
        }
    }
}
