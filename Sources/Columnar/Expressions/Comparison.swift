/// Vectorised comparison kernels. Operands already share a type.
enum Comparison {
    static func evaluate(_ op: BinaryOperator, _ l: Datum, _ r: Datum, _ n: Int) -> Datum {
        if case .scalar(let a, _) = l, case .scalar(let b, _) = r {
            if a == .null || b == .null { return .scalar(.null, .bool) }
            return .scalar(.bool(compareScalars(op, a, b)), .bool)
        }
        let validity = l.validity(n) & r.validity(n)
        let out: [Bool]
        switch l.type {
        case .int64, .timestamp:
            out = kernel(op, n, l, r, { $0.int64Values }, scalarInt64)
        case .date:
            out = kernel(op, n, l, r, { $0.int32Values }, { if case .date(let d) = $0 { return d }; return 0 })
        case .double:
            out = kernel(op, n, l, r, { $0.doubleValues }, { if case .double(let d) = $0 { return d }; return 0 })
        case .bool:
            out = kernel(op, n, l, r, { $0.boolValues.map { $0 ? 1 : 0 } }, { (v: Value) -> Int in v == .bool(true) ? 1 : 0 })
        case .string:
            out = strings(op, n, l, r)
        }
        return .column(.bools(out, validity: validity))
    }

    private static func scalarInt64(_ v: Value) -> Int64 {
        switch v {
        case .int64(let x), .timestamp(let x): return x
        default: return 0
        }
    }

    @inline(__always)
    static func apply<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        default: return false
        }
    }

    private static func kernel<T: Comparable>(
        _ op: BinaryOperator, _ n: Int, _ l: Datum, _ r: Datum,
        _ array: (Column) -> [T], _ scalar: (Value) -> T
    ) -> [Bool] {
        var out = [Bool](repeating: false, count: n)
        switch (l, r) {
        case (.column(let a), .column(let b)):
            let x = array(a), y = array(b)
            for i in 0..<n { out[i] = apply(op, x[i], y[i]) }
        case (.column(let a), .scalar(let v, _)):
            let x = array(a), s = scalar(v)
            for i in 0..<n { out[i] = apply(op, x[i], s) }
        case (.scalar(let v, _), .column(let b)):
            let y = array(b), s = scalar(v)
            for i in 0..<n { out[i] = apply(op, s, y[i]) }
        case (.scalar, .scalar):
            break
        }
        return out
    }

    private static func strings(_ op: BinaryOperator, _ n: Int, _ l: Datum, _ r: Datum) -> [Bool] {
        var out = [Bool](repeating: false, count: n)
        func decide(_ c: Int) -> Bool { apply(op, c, 0) }
        switch (l, r) {
        case (.column(let a), .column(let b)):
            let x = a.stringValues, y = b.stringValues
            for i in 0..<n { out[i] = decide(y.withBytes(i) { x.compare(i, $0) }) }
        case (.column(let a), .scalar(let v, _)), (.scalar(let v, _), .column(let a)):
            let flipped: Bool = { if case .scalar = l { return true } else { return false } }()
            let x = a.stringValues
            var s = v.description
            s.withUTF8 { lit in
                if op == .equal || op == .notEqual {
                    // Length check first: most rows differ in length from the literal.
                    let want = op == .equal
                    for i in 0..<n {
                        out[i] = (x.length(i) == lit.count && x.compare(i, lit) == 0) == want
                    }
                } else {
                    for i in 0..<n {
                        let c = x.compare(i, lit)
                        out[i] = decide(flipped ? -c : c)
                    }
                }
            }
        case (.scalar, .scalar):
            break
        }
        return out
    }

    static func compareScalars(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int64(let x), .int64(let y)), (.timestamp(let x), .timestamp(let y)): return apply(op, x, y)
        case (.date(let x), .date(let y)): return apply(op, x, y)
        case (.double(let x), .double(let y)): return apply(op, x, y)
        case (.bool(let x), .bool(let y)): return apply(op, x ? 1 : 0, y ? 1 : 0)
        case (.string, .string):
            return apply(op, Value.compare(a, b), 0)
        default: return false
        }
    }
}
