/// +, -, *, /, % over numbers. Integer overflow wraps and division by zero gives null,
/// matching Spark with ANSI mode off; `/` always yields a double, as in Spark.
enum Arithmetic {
    static func evaluate(_ op: BinaryOperator, _ l: Datum, _ r: Datum, _ n: Int) -> Datum {
        let integer = l.type == .int64 && r.type == .int64 && op != .divide
        var validity = l.validity(n) & r.validity(n)
        if integer {
            let x = ints(l, n), y = ints(r, n)
            var out = [Int64](repeating: 0, count: n)
            switch op {
            case .add: for i in 0..<n { out[i] = x[i] &+ y[i] }
            case .subtract: for i in 0..<n { out[i] = x[i] &- y[i] }
            case .multiply: for i in 0..<n { out[i] = x[i] &* y[i] }
            default:
                var v = validity ?? Bitmap(count: n, value: true)
                for i in 0..<n { if y[i] == 0 { v[i] = false } else { out[i] = x[i] == .min && y[i] == -1 ? 0 : x[i] % y[i] } }
                validity = v
            }
            return .column(.int64s(out, validity: validity))
        }
        let x = doubles(l, n), y = doubles(r, n)
        var out = [Double](repeating: 0, count: n)
        switch op {
        case .add: for i in 0..<n { out[i] = x[i] + y[i] }
        case .subtract: for i in 0..<n { out[i] = x[i] - y[i] }
        case .multiply: for i in 0..<n { out[i] = x[i] * y[i] }
        default:
            var v = validity ?? Bitmap(count: n, value: true)
            for i in 0..<n {
                if y[i] == 0 { v[i] = false } else { out[i] = op == .divide ? x[i] / y[i] : x[i].truncatingRemainder(dividingBy: y[i]) }
            }
            validity = v
        }
        return .column(.doubles(out, validity: validity))
    }

    private static func ints(_ d: Datum, _ n: Int) -> [Int64] {
        switch d {
        case .column(let c): return c.int64Values
        case .scalar(let v, _):
            if case .int64(let x) = v { return [Int64](repeating: x, count: n) }
            return [Int64](repeating: 0, count: n)
        }
    }

    private static func doubles(_ d: Datum, _ n: Int) -> [Double] {
        switch d {
        case .column(let c):
            if c.type == .double { return c.doubleValues }
            return c.int64Values.map(Double.init)
        case .scalar(let v, _):
            switch v {
            case .double(let x): return [Double](repeating: x, count: n)
            case .int64(let x): return [Double](repeating: Double(x), count: n)
            default: return [Double](repeating: 0, count: n)
            }
        }
    }
}
