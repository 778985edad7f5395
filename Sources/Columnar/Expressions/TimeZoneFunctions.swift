/// `from_utc_timestamp`, `to_utc_timestamp`, `date_format` and zone-aware `to_date`, with
/// zones read by `TimeZoneRules` (Spark's `DateTimeUtils.convertTz` rules: a wall time in a
/// gap moves forward by the gap, one in an overlap takes the earlier instant).
enum TimeZoneFunctions {
    /// A zone given as a string literal must exist: checked before any row is read.
    static func checkZoneLiteral(_ expr: Expr, argument: Int) throws {
        guard case .call(_, let args) = expr.unaliased, argument < args.count,
            case .literal(.string(let zone)) = args[argument].unaliased
        else { return }
        _ = try TimeZoneRules.named(zone)
    }

    /// Applies `body` with the zone of each row (null zone: null row). Zones are resolved once per distinct name.
    private static func withZones(_ ts: Column, _ zone: Datum, _ body: (_ row: Int, _ zone: TimeZoneRules) -> Void) throws -> Bitmap {
        let n = ts.count
        var valid = ts.validity ?? Bitmap(count: n, value: true)
        switch zone {
        case .scalar(.string(let z), _):
            let rules = try TimeZoneRules.named(z)
            for i in 0..<n where valid[i] { body(i, rules) }
        case .scalar:
            valid = Bitmap(count: n, value: false)
        case .column(let zc):
            let names = zc.stringValues
            var cache: [String: TimeZoneRules] = [:]
            for i in 0..<n {
                guard valid[i], zc.isValid(i) else { valid[i] = false; continue }
                let name = names[i]
                if cache[name] == nil { cache[name] = try TimeZoneRules.named(name) }
                body(i, cache[name]!)
            }
        }
        return valid
    }

    /// `toLocal`: UTC instant to wall time in the zone (`from_utc_timestamp`); otherwise wall
    /// time in the zone to the UTC instant (`to_utc_timestamp`).
    static func shift(_ ts: Column, zone: Datum, toLocal: Bool) throws -> Column {
        let values = ts.int64Values
        var out = [Int64](repeating: 0, count: ts.count)
        let valid = try withZones(ts, zone) { i, z in
            out[i] = toLocal ? z.localMicros(fromUTC: values[i]) : z.utcMicros(fromLocal: values[i])
        }
        return .timestamps(out, validity: valid.popCount == ts.count ? nil : valid)
    }

    static func format(_ ts: Column, pattern: Datum, zone: Datum) throws -> Column {
        guard case .scalar(.string(let p), _) = pattern else {
            throw ColumnarError.invalidArgument("the pattern of date_format must be a string literal")
        }
        let compiled = try DateTimePattern(p)
        let values = ts.int64Values
        var strings = [String](repeating: "", count: ts.count)
        let valid = try withZones(ts, zone) { i, z in strings[i] = compiled.format(values[i], in: z) }
        var out = StringArray()
        for i in 0..<ts.count { if valid[i] { out.append(strings[i]) } else { out.appendEmpty() } }
        return .strings(out, validity: valid.popCount == ts.count ? nil : valid)
    }
}

extension Expr {
    /// The expression with the session time zone `zone` filled in where Spark uses the session
    /// zone: `toDate(timestamp)` and `dateFormat(ts, pattern)` without an explicit zone.
    public func resolvingSessionTimeZone(_ zone: String) -> Expr {
        switch self {
        case .column, .literal: return self
        case .binary(let op, let l, let r): return .binary(op, l.resolvingSessionTimeZone(zone), r.resolvingSessionTimeZone(zone))
        case .not(let e): return .not(e.resolvingSessionTimeZone(zone))
        case .isNull(let e): return .isNull(e.resolvingSessionTimeZone(zone))
        case .isNotNull(let e): return .isNotNull(e.resolvingSessionTimeZone(zone))
        case .cast(let e, let t): return .cast(e.resolvingSessionTimeZone(zone), t)
        case .alias(let e, let n): return .alias(e.resolvingSessionTimeZone(zone), n)
        case .call(let f, let args):
            var a = args.map { $0.resolvingSessionTimeZone(zone) }
            if (f == .toDate && a.count == 1) || (f == .dateFormat && a.count == 2) { a.append(.literal(.string(zone))) }
            return .call(f, a)
        }
    }
}
