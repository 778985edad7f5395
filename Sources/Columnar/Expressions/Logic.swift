/// AND / OR with SQL three-valued logic: `false AND null = false`, `true OR null = true`.
enum Logic {
    static func evaluate(_ op: BinaryOperator, _ l: Datum, _ r: Datum, _ n: Int) -> Datum {
        let a = l.materialize(n), b = r.materialize(n)
        let x = a.boolValues, y = b.boolValues
        var out = [Bool](repeating: false, count: n)
        if a.validity == nil && b.validity == nil {
            if op == .and { for i in 0..<n { out[i] = x[i] && y[i] } } else { for i in 0..<n { out[i] = x[i] || y[i] } }
            return .column(.bools(out))
        }
        var valid = Bitmap(count: n, value: true)
        for i in 0..<n {
            let av = a.isValid(i), bv = b.isValid(i)
            let ax = av ? x[i] : false, bx = bv ? y[i] : false
            if op == .and {
                if (av && !ax) || (bv && !bx) { out[i] = false } else if av && bv { out[i] = true } else { valid[i] = false }
            } else {
                if (av && ax) || (bv && bx) { out[i] = true } else if av && bv { out[i] = false } else { valid[i] = false }
            }
        }
        return .column(.bools(out, validity: valid))
    }
}
