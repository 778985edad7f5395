import Columnar

/// Timestamps and dates as the text both databases parse, written straight into a byte buffer.
public enum SQLTimeText {
    /// `YYYY-MM-DD HH:MM:SS.ffffff`, UTC, always six fraction digits so texts sort as times.
    /// With `postgresZone`, `+00` follows and years before 1 are written PostgreSQL's way
    /// (`0001-01-01 ... BC` is year 0), since PostgreSQL has no year zero or negative years.
    public static func appendTimestamp(_ t: Int64, postgresZone: Bool, into out: inout [UInt8]) {
        let days = Timestamps.floorDiv(t, Timestamps.microsPerDay)
        let rem = t - days * Timestamps.microsPerDay
        let civil = Dates.civil(Int(days))
        let bc = postgresZone && civil.year <= 0
        appendYMD(year: bc ? 1 - civil.year : civil.year, month: civil.month, day: civil.day, into: &out)
        let secs = Int(rem / Timestamps.microsPerSecond)
        out.append(UInt8(ascii: " "))
        appendPadded(secs / 3600, width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(secs / 60 % 60, width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(secs % 60, width: 2, into: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(Int(rem % Timestamps.microsPerSecond), width: 6, into: &out)
        if postgresZone { out.append(contentsOf: "+00".utf8) }
        if bc { out.append(contentsOf: " BC".utf8) }
    }

    /// `YYYY-MM-DD` (with ` BC` for years before 1 when `postgres`).
    public static func appendDate(_ d: Int32, postgres: Bool, into out: inout [UInt8]) {
        let civil = Dates.civil(Int(d))
        let bc = postgres && civil.year <= 0
        appendYMD(year: bc ? 1 - civil.year : civil.year, month: civil.month, day: civil.day, into: &out)
        if bc { out.append(contentsOf: " BC".utf8) }
    }

    public static func timestamp(_ t: Int64, postgresZone: Bool) -> String {
        var b = [UInt8]()
        appendTimestamp(t, postgresZone: postgresZone, into: &b)
        return String(decoding: b, as: UTF8.self)
    }

    public static func date(_ d: Int32, postgres: Bool) -> String {
        var b = [UInt8]()
        appendDate(d, postgres: postgres, into: &b)
        return String(decoding: b, as: UTF8.self)
    }

    private static func appendYMD(year: Int, month: Int, day: Int, into out: inout [UInt8]) {
        if year < 0 { out.append(UInt8(ascii: "-")) }
        appendPadded(abs(year), width: 4, into: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(month, width: 2, into: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(day, width: 2, into: &out)
    }

    /// Decimal digits of `v` (≥ 0), zero-padded to at least `width`.
    @inline(__always)
    static func appendPadded(_ v: Int, width: Int, into out: inout [UInt8]) {
        let start = out.count
        var x = v
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(x % 10))
            x /= 10
        } while x > 0
        while out.count - start < width { out.append(UInt8(ascii: "0")) }
        out[start...].reverse()
    }
}
