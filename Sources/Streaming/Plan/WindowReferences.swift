import Columnar

/// Spark's ways of reading an aggregation's window, which is a struct there and two columns
/// here (`<name>_start`, `<name>_end`): `window.start` and `window.end` read a bound, and the
/// bare window (`col("window")`) stands for both bounds where a list of columns is expected
/// (select, grouping keys, deduplication keys).
///
/// A bound read as `window.start` is a new value, as Spark's struct field is: it does not carry
/// the watermark (Spark's `GetStructField` drops the event-time metadata), while the window
/// itself and `windowTime(window)` do. Names that are columns of the input are left alone.
struct WindowReferences {
    let schema: Schema

    /// Whether `name` is a window of the input: both bounds are timestamp columns and `name` is not a column.
    func isWindow(_ name: String) -> Bool {
        schema.field(name) == nil && schema.field(name + "_start")?.type == .timestamp && schema.field(name + "_end")?.type == .timestamp
    }

    /// The bound column `name` ("window.start") reads, or nil.
    func bound(_ name: String) -> String? {
        guard schema.field(name) == nil, let dot = name.lastIndex(of: ".") else { return nil }
        let window = String(name[..<dot]), field = name[name.index(after: dot)...]
        guard field == "start" || field == "end", isWindow(window) else { return nil }
        return "\(window)_\(field)"
    }

    /// `e` with window bounds read as Spark reads struct fields.
    func resolve(_ e: Expr) -> Expr {
        switch e {
        case .column(let n):
            guard let b = bound(n) else { return e }
            return .cast(.column(b), .timestamp)
        case .literal: return e
        case .binary(let op, let l, let r): return .binary(op, resolve(l), resolve(r))
        case .not(let x): return .not(resolve(x))
        case .isNull(let x): return .isNull(resolve(x))
        case .isNotNull(let x): return .isNotNull(resolve(x))
        case .cast(let x, let t): return .cast(resolve(x), t)
        case .call(let f, let args): return .call(f, args.map(resolve))
        case .alias(let x, let n): return .alias(resolve(x), n)
        }
    }

    /// A list of output expressions: a bare window becomes its two bounds, and a bound read at
    /// the top is named by its field (`window.start` gives `start`), as Spark names it.
    func resolveList(_ exprs: [Expr]) -> [Expr] {
        exprs.flatMap { e -> [Expr] in
            if case .column(let n) = e {
                if isWindow(n) { return [col(n + "_start"), col(n + "_end")] }
                if bound(n) != nil, let dot = n.lastIndex(of: ".") { return [.alias(resolve(e), String(n[n.index(after: dot)...]))] }
            }
            return [resolve(e)]
        }
    }

    /// Column names, a window standing for its two bounds.
    func resolveNames(_ names: [String]) -> [String] {
        names.flatMap { isWindow($0) ? [$0 + "_start", $0 + "_end"] : [bound($0) ?? $0] }
    }

    /// Whether `plan` can have windows: only a windowed aggregation makes them. Cheap, so
    /// streams without one pay no analysis.
    static func mayHaveWindows(_ plan: LogicalPlan) -> Bool {
        if case .aggregate(_, .some, _, _) = plan { return true }
        return plan.children.contains(where: mayHaveWindows)
    }
}

extension DataStream {
    /// `exprs` over this stream with window references resolved (`WindowReferences`); as they
    /// are when the stream does not analyse (`start()` reports that).
    func resolvingWindows(_ exprs: [Expr]) -> [Expr] {
        guard WindowReferences.mayHaveWindows(plan), let schema = try? QueryPlanner.outputSchema(plan) else { return exprs }
        return WindowReferences(schema: schema).resolveList(exprs)
    }

    /// One expression (a condition, a computed column) with window bounds resolved.
    func resolvingWindows(in e: Expr) -> Expr {
        guard WindowReferences.mayHaveWindows(plan), let schema = try? QueryPlanner.outputSchema(plan) else { return e }
        return WindowReferences(schema: schema).resolve(e)
    }

    /// Column names with windows standing for their bounds.
    func resolvingWindows(names: [String]) -> [String] {
        guard WindowReferences.mayHaveWindows(plan), let schema = try? QueryPlanner.outputSchema(plan) else { return names }
        return WindowReferences(schema: schema).resolveNames(names)
    }
}
