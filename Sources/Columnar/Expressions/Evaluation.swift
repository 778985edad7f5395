/// An evaluated operand: a whole column, or one scalar standing for every row.
/// Keeping literals scalar avoids materialising a column per literal.
enum Datum {
    case column(Column)
    case scalar(Value, DataType)

    var type: DataType {
        switch self {
        case .column(let c): return c.type
        case .scalar(_, let t): return t
        }
    }

    func materialize(_ count: Int) -> Column {
        switch self {
        case .column(let c): return c
        case .scalar(let v, let t): return Column.repeating(v, type: t, count: count)
        }
    }

    /// The validity of the operand over `count` rows (nil = all valid).
    func validity(_ count: Int) -> Bitmap? {
        switch self {
        case .column(let c): return c.validity
        case .scalar(let v, _): return v == .null ? Bitmap(count: count, value: false) : nil
        }
    }
}

extension Expr {
    /// Evaluates the expression over every row of `batch`, column at a time.
    public func evaluate(_ batch: RecordBatch) throws -> Column {
        _ = try resultType(in: batch.schema)
        return try evaluateDatum(batch).materialize(batch.rowCount)
    }

    /// Evaluates a boolean predicate into a selection mask; null counts as false, as in SQL WHERE.
    public func evaluateMask(_ batch: RecordBatch) throws -> [Bool] {
        let t = try resultType(in: batch.schema)
        guard t == .bool else { throw ColumnarError.typeMismatch("filter condition \(self) is \(t), not bool") }
        switch try evaluateDatum(batch) {
        case .scalar(let v, _):
            return [Bool](repeating: v == .bool(true), count: batch.rowCount)
        case .column(let c):
            var m = c.boolValues
            if let v = c.validity { for i in 0..<m.count where !v[i] { m[i] = false } }
            return m
        }
    }

    func evaluateDatum(_ batch: RecordBatch) throws -> Datum {
        let n = batch.rowCount
        switch self {
        case .column(let name):
            return .column(try batch.column(name))
        case .literal(let v):
            return .scalar(v, v.type ?? .string)
        case .alias(let e, _):
            return try e.evaluateDatum(batch)
        case .isNull(let e), .isNotNull(let e):
            let wantNull: Bool = { if case .isNull = self { return true } else { return false } }()
            let d = try e.evaluateDatum(batch)
            switch d {
            case .scalar(let v, _): return .scalar(.bool((v == .null) == wantNull), .bool)
            case .column(let c):
                guard let v = c.validity else { return .scalar(.bool(!wantNull), .bool) }
                var out = [Bool](repeating: false, count: n)
                for i in 0..<n { out[i] = v[i] != wantNull }
                return .column(.bools(out))
            }
        case .not(let e):
            let d = try e.evaluateDatum(batch)
            switch d {
            case .scalar(let v, _):
                if case .bool(let b) = v { return .scalar(.bool(!b), .bool) }
                return .scalar(.null, .bool)
            case .column(let c):
                return .column(.bools(c.boolValues.map { !$0 }, validity: c.validity))
            }
        case .cast(let e, let t):
            let d = try e.evaluateDatum(batch)
            switch d {
            case .scalar(let v, _): return .scalar(v.cast(to: t) ?? .null, t)
            case .column(let c): return .column(Casts.cast(c, to: t))
            }
        case .binary(let op, let l, let r):
            let ld = try l.evaluateDatum(batch), rd = try r.evaluateDatum(batch)
            if op == .and || op == .or { return Logic.evaluate(op, ld, rd, n) }
            if op.isComparison {
                let lt = try l.resultType(in: batch.schema), rt = try r.resultType(in: batch.schema)
                let common = Coercion.common(lt, l, rt, r)!
                return Comparison.evaluate(op, Casts.coerce(ld, to: common), Casts.coerce(rd, to: common), n)
            }
            return Arithmetic.evaluate(op, ld, rd, n)
        case .call(let f, let args):
            let ds = try args.map { try $0.evaluateDatum(batch) }
            return try ScalarFunctions.evaluate(f, ds, n)
        }
    }
}
