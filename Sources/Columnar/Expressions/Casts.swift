/// Column-wide type conversions. Text that does not parse becomes null, as in Spark with ANSI mode off.
public enum Casts {
    public static func isSupported(from: DataType, to: DataType) -> Bool {
        if from == to || to == .string || from == .string { return true }
        switch (from, to) {
        case (.int64, .double), (.double, .int64), (.bool, .int64), (.int64, .bool),
            (.int64, .timestamp), (.timestamp, .int64), (.timestamp, .date), (.date, .timestamp):
            return true
        default:
            return false
        }
    }

    static func coerce(_ d: Datum, to t: DataType) -> Datum {
        if d.type == t { return d }
        switch d {
        case .scalar(let v, _): return .scalar(v.cast(to: t) ?? .null, t)
        case .column(let c): return .column(cast(c, to: t))
        }
    }

    /// Converts every value of `c` to `target`.
    public static func cast(_ c: Column, to target: DataType) -> Column {
        if c.type == target { return c }
        let n = c.count
        switch (c.type, target) {
        case (.int64, .double):
            return .doubles(c.int64Values.map(Double.init), validity: c.validity)
        case (.timestamp, .date):
            return .dates(c.int64Values.map { Int32(truncatingIfNeeded: Timestamps.floorDiv($0, Timestamps.microsPerDay)) }, validity: c.validity)
        case (.date, .timestamp):
            return .timestamps(c.int32Values.map { Int64($0) * Timestamps.microsPerDay }, validity: c.validity)
        case (.timestamp, .int64):
            return .int64s(c.int64Values.map { Timestamps.floorDiv($0, Timestamps.microsPerSecond) }, validity: c.validity)
        case (.string, _):
            let s = c.stringValues
            var b = ColumnBuilder(type: target, capacity: n)
            for i in 0..<n {
                if c.isValid(i), let v = s.withBytes(i, { Value.parse(trimmed($0), as: target) }) { b.append(v) } else { b.appendNull() }
            }
            return b.finish()
        default:
            var b = ColumnBuilder(type: target, capacity: n)
            for i in 0..<n { b.append(c[i].cast(to: target) ?? .null) }
            return b.finish()
        }
    }

    private static func trimmed(_ s: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = s.count
        while lo < hi, s[lo] == 32 || s[lo] == 9 { lo += 1 }
        while hi > lo, s[hi - 1] == 32 || s[hi - 1] == 9 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: s[lo..<hi])
    }
}
