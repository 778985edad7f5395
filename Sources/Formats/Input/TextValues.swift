import Columnar

/// Parsing of typed values from text, shared by the readers so JSON strings and CSV fields
/// follow the same rules.
enum TextValues {
    /// `true` or `false`, ignoring ASCII case.
    @inline(__always)
    static func bool(_ s: UnsafeBufferPointer<UInt8>) -> Bool? {
        @inline(__always) func matches(_ word: StaticString) -> Bool {
            guard s.count == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for i in 0..<s.count where s[i] | 0x20 != w[i] { return false }
            return true
        }
        if matches("true") { return true }
        if matches("false") { return false }
        return nil
    }

    /// An ISO-8601 timestamp (see `Timestamps.parseISO8601`), in microseconds.
    @inline(__always)
    static func timestamp(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        Timestamps.parseISO8601(s)
    }

    /// Epoch milliseconds as microseconds; nil on overflow.
    @inline(__always)
    static func micros(fromMillis ms: Int64) -> Int64? {
        let (v, overflow) = ms.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : v
    }

    /// Fractional epoch milliseconds as microseconds, rounded; nil if out of range.
    static func micros(fromMillis ms: Double) -> Int64? {
        let us = (ms * 1000).rounded()
        return us.isFinite && abs(us) < 9.2e18 ? Int64(us) : nil
    }

    /// A date written `yyyy-MM-dd`, or the calendar date of a full ISO-8601 timestamp as written.
    @inline(__always)
    static func date(_ s: UnsafeBufferPointer<UInt8>) -> Int32? {
        if s.count != 10 && Timestamps.parseISO8601(s) == nil { return nil }
        return Dates.parse(s)
    }

    /// `NaN`, `Infinity`, `+Infinity` or `-Infinity`, which JSON writers put in strings (Spark accepts them).
    static func specialDouble(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        switch String(decoding: s, as: UTF8.self) {
        case "NaN": return .nan
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return nil
        }
    }

    /// Leading bytes of `s` for an error message: at most `limit` bytes, whole scalars only.
    static func snippet(_ s: UnsafeBufferPointer<UInt8>, limit: Int = 64) -> String {
        let p = UTF8Validation.prefix(s, limit: limit)
        return String(decoding: p, as: UTF8.self) + (p.count < s.count ? "…" : "")
    }
}
