/// A POSIX TZ string (`CET-1CEST,M3.5.0,M10.5.0/3`), the rule a TZif file gives for instants
/// after its last transition (RFC 8536 section 3.3, POSIX.1 section 8.3, including RFC 8536's
/// extension of transition hours to -167...167).
struct PosixTimeZoneRule: Sendable, Equatable {
    /// A day of the year on which DST starts or ends.
    enum Day: Sendable, Equatable {
        /// `Jn`: day 1...365, February 29 never counted.
        case julianNoLeap(Int)
        /// `n`: day 0...365, February 29 counted.
        case zeroBased(Int)
        /// `Mm.w.d`: weekday d (0 = Sunday) of week w (5 = last) of month m.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
    }

    struct Change: Sendable, Equatable {
        var day: Day
        /// Local seconds after midnight (wall time in the offset in effect before the change).
        var time: Int64
    }

    var standardName: String
    /// Seconds east of UTC (POSIX writes them west-positive; this is already flipped).
    var standardOffset: Int64
    var dstName: String?
    var dstOffset: Int64
    var start: Change?
    var end: Change?

    /// Parses `text`; nil when it is not a TZ string this reader understands.
    init?(_ text: String) {
        var s = Substring(text)
        guard let std = Self.name(&s), let stdOff = Self.offset(&s) else { return nil }
        standardName = std
        standardOffset = -stdOff
        dstOffset = standardOffset
        if s.isEmpty { return }
        guard let dst = Self.name(&s) else { return nil }
        dstName = dst
        if let first = s.first, first != "," {
            guard let off = Self.offset(&s) else { return nil }
            dstOffset = -off
        } else {
            dstOffset = standardOffset + 3600
        }
        // Without rules POSIX leaves the dates implementation-defined; TZif footers always have them.
        guard Self.consume(",", &s), let a = Self.change(&s), Self.consume(",", &s), let b = Self.change(&s), s.isEmpty
        else { return nil }
        start = a
        end = b
    }

    /// Seconds east of UTC in effect at `utc` seconds, and whether it is DST.
    func offset(atUTC utc: Int64) -> (offset: Int64, isDST: Bool) {
        guard let start, let end, dstName != nil else { return (standardOffset, false) }
        let year = Self.year(ofLocal: utc + standardOffset)
        // The instants DST starts (wall clock in standard time) and ends (wall clock in DST).
        let begins = Self.localSeconds(start, year: year) - standardOffset
        let ends = Self.localSeconds(end, year: year) - dstOffset
        let inDST = begins < ends ? (utc >= begins && utc < ends) : (utc < ends || utc >= begins)
        return inDST ? (dstOffset, true) : (standardOffset, false)
    }

    /// The instants (UTC seconds) at which the offset changes in `year`, ascending.
    func transitions(inYear year: Int) -> [Int64] {
        guard let start, let end, dstName != nil else { return [] }
        return [Self.localSeconds(start, year: year) - standardOffset, Self.localSeconds(end, year: year) - dstOffset].sorted()
    }

    static func year(ofLocal seconds: Int64) -> Int {
        Dates.civil(Int(Timestamps.floorDiv(seconds, 86_400))).year
    }

    /// Seconds since the epoch of the change's wall-clock moment in `year`, as if UTC.
    static func localSeconds(_ c: Change, year: Int) -> Int64 {
        let jan1 = Dates.days(year: year, month: 1, day: 1)
        let leap = Dates.daysInMonth(year: year, month: 2) == 29
        let day: Int
        switch c.day {
        case .julianNoLeap(let n): day = jan1 + n - 1 + (leap && n >= 60 ? 1 : 0)
        case .zeroBased(let n): day = jan1 + n
        case .monthWeekDay(let m, let w, let d):
            let first = Dates.days(year: year, month: m, day: 1)
            // 1970-01-01 was a Thursday (weekday 4).
            let firstWeekday = ((first + 4) % 7 + 7) % 7
            var dom = 1 + (d - firstWeekday + 7) % 7 + (w - 1) * 7
            let monthLength = Dates.daysInMonth(year: year, month: m)
            while dom > monthLength { dom -= 7 }
            day = first + dom - 1
        }
        return Int64(day) * 86_400 + c.time
    }

    private static func name(_ s: inout Substring) -> String? {
        if s.first == "<" {
            guard let close = s.firstIndex(of: ">") else { return nil }
            let n = String(s[s.index(after: s.startIndex)..<close])
            s = s[s.index(after: close)...]
            return n.count >= 3 ? n : nil
        }
        let n = s.prefix { $0.isLetter }
        guard n.count >= 3 else { return nil }
        s = s.dropFirst(n.count)
        return String(n)
    }

    /// `[+-]hh[:mm[:ss]]` in seconds, as written (west positive).
    private static func offset(_ s: inout Substring, maxHours: Int64 = 24) -> Int64? {
        var sign: Int64 = 1
        if s.first == "+" || s.first == "-" {
            sign = s.first == "-" ? -1 : 1
            s.removeFirst()
        }
        var parts: [Int64] = []
        while parts.count < 3 {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 3, let v = Int64(digits) else { return nil }
            parts.append(v)
            s = s.dropFirst(digits.count)
            guard s.first == ":" else { break }
            s.removeFirst()
        }
        guard let h = parts.first, h <= maxHours else { return nil }
        let m = parts.count > 1 ? parts[1] : 0, sec = parts.count > 2 ? parts[2] : 0
        guard m < 60, sec < 60 else { return nil }
        return sign * (h * 3600 + m * 60 + sec)
    }

    private static func consume(_ c: Character, _ s: inout Substring) -> Bool {
        guard s.first == c else { return false }
        s.removeFirst()
        return true
    }

    private static func change(_ s: inout Substring) -> Change? {
        let day: Day
        func number() -> Int? {
            let d = s.prefix { $0.isASCII && $0.isNumber }
            guard !d.isEmpty, d.count <= 3 else { return nil }
            s = s.dropFirst(d.count)
            return Int(d)
        }
        switch s.first {
        case "J":
            s.removeFirst()
            guard let n = number(), (1...365).contains(n) else { return nil }
            day = .julianNoLeap(n)
        case "M":
            s.removeFirst()
            guard let m = number(), (1...12).contains(m), Self.consume(".", &s), let w = number(), (1...5).contains(w),
                Self.consume(".", &s), let d = number(), (0...6).contains(d)
            else { return nil }
            day = .monthWeekDay(month: m, week: w, weekday: d)
        default:
            guard let n = number(), (0...365).contains(n) else { return nil }
            day = .zeroBased(n)
        }
        var time: Int64 = 7200
        if s.first == "/" {
            s.removeFirst()
            guard let t = offset(&s, maxHours: 167) else { return nil }
            time = t
        }
        return Change(day: day, time: time)
    }
}
