/// Parses numbers from UTF-8 bytes without allocating on the common path.
public enum NumberParser {
    /// A decimal integer with optional sign; nil on anything else or on overflow.
    @inline(__always)
    public static func int64(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = s.count
        guard n > 0 else { return nil }
        var negative = false
        if s[0] == UInt8(ascii: "-") || s[0] == UInt8(ascii: "+") {
            negative = s[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < n else { return nil }
        var v: Int64 = 0
        while i < n {
            let d = s[i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return v
    }

    private static let exactPowers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }

    /// A JSON-style decimal number (`-12.5e3`); exact fast path for short mantissas, correct fallback otherwise.
    public static func double(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = s.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if s[0] == UInt8(ascii: "-") || s[0] == UInt8(ascii: "+") {
            negative = s[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exp10 = 0
        var sawDigit = false
        while i < n, s[i] &- 48 < 10 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(s[i] - 48); if mantissa != 0 { digits += 1 } } else { exp10 += 1 }
            sawDigit = true
            i += 1
        }
        if i < n, s[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, s[i] &- 48 < 10 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(s[i] - 48); exp10 -= 1; if mantissa != 0 { digits += 1 } }
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit else { return slowPath(s) }
        if i < n, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            var eneg = false
            if i < n, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") { eneg = s[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0
            var sawE = false
            while i < n, s[i] &- 48 < 10 { e = min(e * 10 + Int(s[i] - 48), 100_000); sawE = true; i += 1 }
            guard sawE else { return nil }
            exp10 += eneg ? -e : e
        }
        guard i == n else { return nil }
        if digits <= 15, abs(exp10) <= 22 {
            var d = Double(mantissa)
            d = exp10 < 0 ? d / exactPowers[-exp10] : d * exactPowers[exp10]
            return negative ? -d : d
        }
        return slowPath(s)
    }

    private static func slowPath(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        Double(String(decoding: s, as: UTF8.self))
    }
}
