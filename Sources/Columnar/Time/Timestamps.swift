/// Timestamps are Int64 microseconds since 1970-01-01T00:00:00Z.
public enum Timestamps {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerMinute: Int64 = 60_000_000
    public static let microsPerHour: Int64 = 3_600_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Division rounding toward negative infinity (Swift's `/` truncates toward zero).
    @inline(__always)
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The timestamp of a civil date and time in UTC.
    public static func make(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, micros: Int = 0) -> Int64 {
        Int64(Dates.days(year: year, month: month, day: day)) * microsPerDay
            + Int64(hour) * microsPerHour + Int64(minute) * microsPerMinute + Int64(second) * microsPerSecond + Int64(micros)
    }

    /// ISO-8601 UTC with microseconds, trailing zero groups dropped: `2026-11-25T10:00:00.123Z`.
    public static func format(_ t: Int64) -> String {
        let days = floorDiv(t, microsPerDay)
        let rem = t - days * microsPerDay
        let date = Dates.format(Int32(truncatingIfNeeded: days))
        let secs = rem / microsPerSecond
        let micros = rem % microsPerSecond
        var s = date + "T" + Dates.pad(Int(secs / 3600), 2) + ":" + Dates.pad(Int(secs / 60 % 60), 2) + ":" + Dates.pad(Int(secs % 60), 2)
        if micros != 0 {
            if micros % 1000 == 0 { s += "." + Dates.pad(Int(micros / 1000), 3) } else { s += "." + Dates.pad(Int(micros), 6) }
        }
        return s + "Z"
    }

    /// ISO-8601 UTC with exactly three fraction digits (`2026-11-25T10:00:00.000Z`), floored to ms.
    public static func formatMillis(_ t: Int64) -> String {
        let ms = floorDiv(t, 1000)
        let seconds = format(floorDiv(ms, 1000) * microsPerSecond)
        return seconds.dropLast() + "." + Dates.pad(Int(ms - floorDiv(ms, 1000) * 1000), 3) + "Z"
    }

    /// Parses ISO-8601: `yyyy-MM-dd`, optionally `T` or space and `HH:mm[:ss[.fraction]]`,
    /// optionally `Z` or an offset `±HH:mm` / `±HHmm` / `±HH`. No zone means UTC.
    /// Fractions beyond microseconds are truncated. Returns nil if malformed.
    public static func parseISO8601(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let day = Dates.parse(s) else { return nil }
        var t = Int64(day) * microsPerDay
        let n = s.count
        if n == 10 { return t }
        var i = 11
        guard n >= 16, let h = Dates.digits(s, 11, 2), s[13] == UInt8(ascii: ":"), let mi = Dates.digits(s, 14, 2),
            h < 24, mi < 60
        else { return nil }
        t += Int64(h) * microsPerHour + Int64(mi) * microsPerMinute
        i = 16
        if i < n, s[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let sec = Dates.digits(s, i + 1, 2), sec < 61 else { return nil }
            t += Int64(sec) * microsPerSecond
            i += 3
            if i < n, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
                i += 1
                var frac: Int64 = 0
                var digits = 0
                while i < n, s[i] &- 48 < 10 {
                    if digits < 6 { frac = frac * 10 + Int64(s[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<max(digits, 6) { frac *= 10 }
                t += frac
            }
        }
        if i == n { return t }
        switch s[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return i + 1 == n ? t : nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = s[i] == UInt8(ascii: "+") ? 1 : -1
            guard i + 3 <= n, let oh = Dates.digits(s, i + 1, 2) else { return nil }
            var om = 0
            var j = i + 3
            if j < n, s[j] == UInt8(ascii: ":") { j += 1 }
            if j < n {
                guard j + 2 == n, let m = Dates.digits(s, j, 2) else { return nil }
                om = m
            }
            guard oh < 24, om < 60 else { return nil }
            return t - sign * (Int64(oh) * microsPerHour + Int64(om) * microsPerMinute)
        default:
            return nil
        }
    }

    public static func parseISO8601(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseISO8601($0) }
    }
}
