extension Expr {
    /// The type this expression produces over `schema`, or an error explaining why it is ill-typed.
    public func resultType(in schema: Schema) throws -> DataType {
        switch self {
        case .column(let n):
            return schema.fields[try schema.require(n)].type
        case .literal(let v):
            return v.type ?? .string
        case .alias(let e, _):
            return try e.resultType(in: schema)
        case .not(let e):
            let t = try e.resultType(in: schema)
            guard t == .bool else { throw ColumnarError.typeMismatch("NOT needs a bool, got \(t) in \(self)") }
            return .bool
        case .isNull, .isNotNull:
            return .bool
        case .cast(let e, let t):
            let from = try e.resultType(in: schema)
            guard Casts.isSupported(from: from, to: t) else { throw ColumnarError.typeMismatch("cannot cast \(from) to \(t) in \(self)") }
            return t
        case .binary(let op, let l, let r):
            let lt = try l.resultType(in: schema), rt = try r.resultType(in: schema)
            if op == .and || op == .or {
                guard lt == .bool, rt == .bool else { throw ColumnarError.typeMismatch("\(op.rawValue) needs bools, got \(lt) and \(rt) in \(self)") }
                return .bool
            }
            if op.isComparison {
                guard Coercion.common(lt, l, rt, r) != nil else {
                    throw ColumnarError.typeMismatch("cannot compare \(lt) with \(rt) in \(self)")
                }
                return .bool
            }
            guard lt.isNumeric, rt.isNumeric else {
                throw ColumnarError.typeMismatch("\(op.rawValue) needs numbers, got \(lt) and \(rt) in \(self)")
            }
            if op == .divide { return .double }
            return lt == .int64 && rt == .int64 ? .int64 : .double
        case .call(let f, let args):
            let types = try args.map { try $0.resultType(in: schema) }
            return try ScalarFunctions.resultType(f, types, expr: self)
        }
    }
}

/// Implicit conversions for comparisons, as Spark applies them: numbers widen to double,
/// a string literal compared with a time column is parsed as that type, a date meets a timestamp as a timestamp.
enum Coercion {
    static func common(_ lt: DataType, _ l: Expr, _ rt: DataType, _ r: Expr) -> DataType? {
        if lt == rt { return lt }
        if lt.isNumeric && rt.isNumeric { return .double }
        if Set([lt, rt]) == [.date, .timestamp] { return .timestamp }
        if lt == .string, l.isLiteral, rt != .bool { return rt }
        if rt == .string, r.isLiteral, lt != .bool { return lt }
        return nil
    }
}

extension Expr {
    var isLiteral: Bool {
        if case .literal = self { return true }
        return false
    }
}
