import Columnar

/// Parses ISO-8601 timestamps like `Timestamps.parseISO8601`, with a fast path for the form
/// machine-written logs use, `yyyy-MM-ddTHH:mm:ss.SSSZ`: its 24 bytes are checked and decoded a
/// word at a time, and the day number of the last date seen is kept, since consecutive rows
/// mostly share a date. Anything else, including that form with an out-of-range field, goes to
/// the general parser, so the results are always the same as `Timestamps.parseISO8601`'s.
struct TimestampParser {
    /// The first ten bytes of the last date decoded (`yyyy-MM-dd`, as two words), and its start in microseconds.
    private var cachedHead: UInt64 = 0
    private var cachedDay: UInt64 = 0
    private var cachedStart: Int64 = 0
    private var hasCache = false

    /// An ISO-8601 timestamp in microseconds, or nil if malformed.
    @inline(__always)
    mutating func parse(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        if s.count == 24, let t = fixedMillis(s) { return t }
        return Timestamps.parseISO8601(s)
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ`, or nil if `s` (24 bytes) is not exactly that with valid fields.
    @inline(__always)
    private mutating func fixedMillis(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        let base = UnsafeRawPointer(s.baseAddress!)
        // Three loads cover the 24 bytes exactly.
        let w0 = base.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian  // yyyy-MM-
        let w1 = base.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian  // ddTHH:mm
        let w2 = base.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian  // :ss.SSSZ
        // The time part, checked in full. Little-endian: byte k of a word is bits 8k..<8k+8.
        let sep1: UInt64 = 0x0000_FF00_00FF_0000, pat1: UInt64 = 0x0000_3A00_0054_0000  // 'T' at 2, ':' at 5
        let sep2: UInt64 = 0xFF00_0000_FF00_00FF, pat2: UInt64 = 0x5A00_0000_2E00_003A  // ':' at 0, '.' at 3, 'Z' at 7
        let timeDigits1: UInt64 = 0xFFFF_00FF_FF00_0000  // HH at 3 and 4, mm at 6 and 7
        guard w1 & sep1 == pat1, w2 & sep2 == pat2, Self.allDigits(w1, timeDigits1), Self.allDigits(w2, ~sep2) else { return nil }
        @inline(__always) func digit(_ w: UInt64, _ k: Int) -> Int64 { Int64((w >> UInt64(8 * k)) & 0x0F) }
        let hour = digit(w1, 3) * 10 + digit(w1, 4)
        let minute = digit(w1, 6) * 10 + digit(w1, 7)
        let second = digit(w2, 1) * 10 + digit(w2, 2)
        let millis = digit(w2, 4) * 100 + digit(w2, 5) * 10 + digit(w2, 6)
        guard hour < 24, minute < 60, second < 61 else { return nil }
        // The date part (`yyyy-MM-dd`, bytes 0..<10): the last one decoded, or checked and
        // decoded by `Dates.parse` exactly as the general parser does.
        let day = w1 & 0xFFFF
        if !hasCache || w0 != cachedHead || day != cachedDay {
            guard let d = Dates.parse(s) else { return nil }
            cachedHead = w0
            cachedDay = day
            cachedStart = Int64(d) * Timestamps.microsPerDay
            hasCache = true
        }
        return cachedStart + hour * Timestamps.microsPerHour + minute * Timestamps.microsPerMinute
            + second * Timestamps.microsPerSecond + millis * 1000
    }

    /// True if every byte of `w` selected by `mask` (whole bytes) is an ASCII digit.
    @inline(__always)
    private static func allDigits(_ w: UInt64, _ mask: UInt64) -> Bool {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
        // A digit is 0x30...0x39: high nibble 3, and adding 6 keeps it 3 (0x3A...0x3F become 0x4_).
        // Adding 6 cannot carry between bytes once every selected byte has high nibble 3.
        guard w & highNibbles & mask == threes & mask else { return false }
        return ((w & mask) &+ (0x0606_0606_0606_0606 & mask)) & highNibbles == threes & mask
    }
}
