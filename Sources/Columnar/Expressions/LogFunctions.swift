/// Type rules and dispatch for the functions log queries need: conditionals, string slicing,
/// regular expressions, time zones and user-defined functions. Each follows Spark's semantics
/// (Spark SQL's built-in function reference) with ANSI mode off; every one gives null for a
/// null input unless noted.
enum LogFunctions {
    /// The result type, or nil when `f` is not one of these functions.
    static func resultType(_ f: ScalarFunction, _ types: [DataType], expr: Expr) throws -> DataType? {
        let args: [Expr] = { if case .call(_, let a) = expr.unaliased { return a } else { return [] } }()
        func need(_ allowed: [DataType]...) throws {
            guard types.count == allowed.count else {
                throw ColumnarError.invalidArgument("\(f.name) takes \(allowed.count) argument(s), got \(types.count) in \(expr)")
            }
            for (i, ok) in allowed.enumerated() where !ok.contains(types[i]) && !args[i].isNullLiteral {
                throw ColumnarError.typeMismatch("argument \(i + 1) of \(f.name) must be \(ok.map(\.rawValue).joined(separator: " or ")), got \(types[i]) in \(expr)")
            }
        }
        switch f {
        case .caseWhen:
            return try Conditionals.caseWhenType(types, args, expr)
        case .isin:
            return try Conditionals.isinType(types, args, expr)
        case .substring:
            try need([.string], [.int64], [.int64]); return .string
        case .splitItem, .splitSize:
            try need([.string], [.string], [.int64])
            try RegexFunctions.checkLiteralPattern(args[1], in: expr)
            return f == .splitSize ? .int64 : .string
        case .regexpExtract:
            try need([.string], [.string], [.int64])
            try RegexFunctions.checkLiteralPattern(args[1], in: expr)
            return .string
        case .rlike:
            try need([.string], [.string])
            try RegexFunctions.checkLiteralPattern(args[1], in: expr)
            return .bool
        case .fromUTCTimestamp, .toUTCTimestamp:
            try need([.timestamp, .date, .string], [.string])
            try TimeZoneFunctions.checkZoneLiteral(expr, argument: 1)
            return .timestamp
        case .dateFormat:
            if types.count == 2 { try need([.timestamp, .date, .string], [.string]) } else { try need([.timestamp, .date, .string], [.string], [.string]) }
            guard case .literal(.string(let pattern)) = args[1] else {
                throw ColumnarError.invalidArgument("the pattern of \(f.name) must be a string literal in \(expr)")
            }
            _ = try DateTimePattern(pattern)
            if types.count == 3 { try TimeZoneFunctions.checkZoneLiteral(expr, argument: 2) }
            return .string
        case .udf(let u):
            return try u.resultType(types, expr: expr)
        default:
            return nil
        }
    }

    /// The result, or nil when `f` is not one of these functions.
    static func evaluate(_ f: ScalarFunction, _ args: [Datum], _ n: Int) throws -> Datum? {
        switch f {
        case .caseWhen: return try Conditionals.caseWhen(args, n)
        case .isin: return Conditionals.isin(args, n)
        case .substring: return .column(StringFunctions.substring(args[0].materialize(n), args[1], args[2]))
        case .splitItem(let i): return .column(try RegexFunctions.split(args[0].materialize(n), args[1], args[2], item: i))
        case .splitSize: return .column(try RegexFunctions.split(args[0].materialize(n), args[1], args[2], item: nil))
        case .regexpExtract: return .column(try RegexFunctions.extract(args[0].materialize(n), args[1], args[2]))
        case .rlike: return .column(try RegexFunctions.rlike(args[0].materialize(n), args[1]))
        case .fromUTCTimestamp, .toUTCTimestamp:
            let ts = Casts.cast(args[0].materialize(n), to: .timestamp)
            return .column(try TimeZoneFunctions.shift(ts, zone: args[1], toLocal: f == .fromUTCTimestamp))
        case .dateFormat:
            let ts = Casts.cast(args[0].materialize(n), to: .timestamp)
            return .column(try TimeZoneFunctions.format(ts, pattern: args[1], zone: args.count > 2 ? args[2] : .scalar(.string("UTC"), .string)))
        case .udf(let u):
            return .column(try u.evaluate(args, n))
        default:
            return nil
        }
    }
}

extension Expr {
    var isNullLiteral: Bool {
        if case .literal(.null) = self.unaliased { return true }
        return false
    }
}
