#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The UTC offsets of one time zone over time: an IANA region (`Europe/Paris`, read from the
/// system's compiled tz database, `$TZDIR` or `/usr/share/zoneinfo`), or a fixed offset.
///
/// Zone ids are read as Spark reads them (`DateTimeUtils.getZoneId`, i.e. Java's
/// `ZoneId.of` with `ZoneId.SHORT_IDS`): region ids, `UTC`/`GMT`/`UT`/`Z`, offsets `+01:00`,
/// `-5`, `+0530`, prefixed offsets `UTC+01:00`/`GMT-8`, and the three-letter short ids
/// (`PST` is `America/Los_Angeles`, `EST` is `-05:00`).
public final class TimeZoneRules: Sendable, CustomStringConvertible {
    /// The id as given (normalised for fixed offsets).
    public let id: String
    private let transitions: [Int64]
    private let offsetsAfter: [Int64]
    private let abbreviationsAfter: [String]
    private let initialOffset: Int64
    private let initialAbbreviation: String
    private let rule: PosixTimeZoneRule?

    public var description: String { id }

    init(id: String, fixedOffsetSeconds: Int64) {
        self.id = id
        transitions = []
        offsetsAfter = []
        abbreviationsAfter = []
        initialOffset = fixedOffsetSeconds
        initialAbbreviation = fixedOffsetSeconds == 0 ? "UTC" : TimeZoneRules.formatOffset(fixedOffsetSeconds, colon: true)
        rule = nil
    }

    init(id: String, file: TZifFile) {
        self.id = id
        transitions = file.transitions
        offsetsAfter = file.transitionTypes.map { Int64(file.types[$0].utcOffset) }
        abbreviationsAfter = file.transitionTypes.map { file.types[$0].abbreviation }
        initialOffset = Int64(file.types[0].utcOffset)
        initialAbbreviation = file.types[0].abbreviation
        rule = file.footer.isEmpty ? nil : PosixTimeZoneRule(file.footer)
    }

    /// True when the offset never changes.
    public var isFixed: Bool { transitions.isEmpty && (rule?.start == nil) }

    // MARK: - Lookups

    /// Seconds east of UTC in effect at `utc` (seconds since the epoch).
    public func offsetSeconds(atUTC utc: Int64) -> Int64 {
        lookup(utc).offset
    }

    /// The zone's abbreviation at `utc` (`CET`, `PDT`, or `+05:30` style where the database has none).
    public func abbreviation(atUTC utc: Int64) -> String {
        lookup(utc).abbreviation
    }

    private func lookup(_ utc: Int64) -> (offset: Int64, abbreviation: String) {
        guard let first = transitions.first, utc >= first else {
            if transitions.isEmpty, let rule {
                let o = rule.offset(atUTC: utc)
                return (o.offset, o.isDST ? rule.dstName ?? rule.standardName : rule.standardName)
            }
            return (initialOffset, initialAbbreviation)
        }
        // Last transition at or before `utc`.
        var lo = 0, hi = transitions.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if transitions[mid] <= utc { lo = mid } else { hi = mid - 1 }
        }
        if lo == transitions.count - 1, let rule {
            let o = rule.offset(atUTC: utc)
            return (o.offset, o.isDST ? rule.dstName ?? rule.standardName : rule.standardName)
        }
        return (offsetsAfter[lo], abbreviationsAfter[lo])
    }

    /// Offset changes within `range` (UTC seconds), ascending.
    func transitions(in range: ClosedRange<Int64>) -> [Int64] {
        var out: [Int64] = []
        // First transition at or after the range's start.
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] < range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        while lo < transitions.count, transitions[lo] <= range.upperBound {
            out.append(transitions[lo])
            lo += 1
        }
        if let rule, transitions.last.map({ $0 < range.upperBound }) ?? true {
            let after = transitions.last ?? .min
            let y0 = PosixTimeZoneRule.year(ofLocal: range.lowerBound) - 1
            let y1 = PosixTimeZoneRule.year(ofLocal: range.upperBound) + 1
            for y in y0...y1 {
                for t in rule.transitions(inYear: y) where t > after && range.contains(t) { out.append(t) }
            }
        }
        return out.sorted()
    }

    /// The UTC instant (seconds) of a local wall-clock time (`local` = its fields read as UTC),
    /// resolved as Java's `LocalDateTime.atZone` (and so Spark) does: in an overlap (clocks set
    /// back) the earlier instant, i.e. the offset before the change; in a gap (clocks set forward)
    /// the time is moved later by the length of the gap.
    public func utcSeconds(fromLocal local: Int64) -> Int64 {
        if isFixed { return local - initialOffset }
        // Offsets stay within ±26 h, so the instant lies within that window of the wall time.
        let window = (local - 93_600)...(local + 93_600)
        let changes = transitions(in: window)
        var candidates = [offsetSeconds(atUTC: window.lowerBound)]
        for t in changes { candidates.append(offsetSeconds(atUTC: t)) }
        if let best = candidates.filter({ offsetSeconds(atUTC: local - $0) == $0 }).max() {
            return local - best
        }
        for t in changes {
            let before = offsetSeconds(atUTC: t - 1), after = offsetSeconds(atUTC: t)
            if before < after && local >= t + before && local < t + after { return local - before }
        }
        return local - offsetSeconds(atUTC: local)
    }

    /// Microsecond form of `offsetSeconds(atUTC:)`.
    @inline(__always)
    public func offsetMicros(atUTCMicros t: Int64) -> Int64 {
        offsetSeconds(atUTC: Timestamps.floorDiv(t, Timestamps.microsPerSecond)) * Timestamps.microsPerSecond
    }

    /// The wall-clock time in this zone of UTC instant `t` (µs), as a timestamp whose UTC fields are that wall time.
    @inline(__always)
    public func localMicros(fromUTC t: Int64) -> Int64 { t &+ offsetMicros(atUTCMicros: t) }

    /// The UTC instant of wall-clock time `local` (µs), resolved as `utcSeconds(fromLocal:)`.
    public func utcMicros(fromLocal local: Int64) -> Int64 {
        let secs = Timestamps.floorDiv(local, Timestamps.microsPerSecond)
        let frac = local - secs * Timestamps.microsPerSecond
        return utcSeconds(fromLocal: secs) * Timestamps.microsPerSecond + frac
    }

    // MARK: - Ids

    private static let cache = Mutex<[String: TimeZoneRules]>([:])

    /// The rules for zone id `id` (see the type's documentation for the accepted forms).
    /// Throws `ColumnarError.invalidArgument` naming the id for an unknown zone.
    public static func named(_ id: String) throws -> TimeZoneRules {
        if let hit = cache.withLock({ $0[id] }) { return hit }
        let rules = try resolve(id)
        cache.withLock { $0[id] = rules }
        return rules
    }

    /// UTC.
    public static let utc = TimeZoneRules(id: "UTC", fixedOffsetSeconds: 0)

    private static func resolve(_ given: String) throws -> TimeZoneRules {
        let id = shortIds[given] ?? given
        if ["UTC", "GMT", "UT", "Z"].contains(id) { return TimeZoneRules(id: id, fixedOffsetSeconds: 0) }
        if let first = id.first, first == "+" || first == "-" {
            guard let off = parseOffset(id) else { throw invalid(given, "offsets are +HH, +HH:MM or +HH:MM:SS within ±18:00") }
            return TimeZoneRules(id: formatOffset(off, colon: true), fixedOffsetSeconds: off)
        }
        for prefix in ["UTC", "GMT", "UT"] where id.hasPrefix(prefix) {
            let rest = id.dropFirst(prefix.count)
            if let f = rest.first, f == "+" || f == "-" {
                guard let off = parseOffset(String(rest)) else { throw invalid(given, "offsets are +HH, +HH:MM or +HH:MM:SS within ±18:00") }
                return TimeZoneRules(id: prefix + formatOffset(off, colon: true), fixedOffsetSeconds: off)
            }
        }
        // Region ids are letters, digits and / _ - + only: nothing that climbs out of the database.
        let allowed = id.utf8.allSatisfy { b in
            (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 47 || b == 95 || b == 45 || b == 43
        }
        guard !id.isEmpty, allowed, !id.hasPrefix("/"), !id.contains("//") else {
            throw invalid(given, "not a region id like Europe/Paris or an offset like +01:00")
        }
        let dir = getenv("TZDIR").map { String(cString: $0) } ?? "/usr/share/zoneinfo"
        guard let file = try TZifFile.read(path: dir + "/" + id) else {
            let hint = FileStatusProbe.isDirectory(dir) ? "no zone of that name in \(dir)" : "\(dir) does not exist: install the tz database (Debian: apt-get install tzdata) or set TZDIR"
            throw invalid(given, hint)
        }
        return TimeZoneRules(id: id, file: file)
    }

    private static func invalid(_ id: String, _ why: String) -> ColumnarError {
        .invalidArgument("unknown time zone '\(id)': \(why)")
    }

    /// `±H`, `±HH`, `±H:MM`, `±HH:MM`, `±HHMM`, `±HH:MM:SS`, `±HHMMSS` in seconds; nil if malformed or beyond ±18 h.
    static func parseOffset(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        guard let sign = u.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        var parts: [Int64] = []
        var digits: [UInt8] = []
        for b in u.dropFirst() {
            if b == UInt8(ascii: ":") {
                guard !digits.isEmpty else { return nil }
                parts.append(Int64(String(decoding: digits, as: UTF8.self))!)
                digits = []
            } else if b >= 48 && b <= 57 {
                digits.append(b)
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        if parts.isEmpty {
            // Without colons: H, HH, HHMM or HHMMSS.
            switch digits.count {
            case 1, 2: parts = [Int64(String(decoding: digits, as: UTF8.self))!]
            case 4, 6:
                parts = stride(from: 0, to: digits.count, by: 2).map { Int64(String(decoding: digits[$0..<$0 + 2], as: UTF8.self))! }
            default: return nil
            }
        } else {
            guard digits.count == 2 else { return nil }
            parts.append(Int64(String(decoding: digits, as: UTF8.self))!)
        }
        guard parts.count <= 3 else { return nil }
        let h = parts[0], m = parts.count > 1 ? parts[1] : 0, sec = parts.count > 2 ? parts[2] : 0
        guard h <= 18, m < 60, sec < 60 else { return nil }
        let total = h * 3600 + m * 60 + sec
        guard total <= 18 * 3600 else { return nil }
        return sign == UInt8(ascii: "-") ? -total : total
    }

    /// `+01:00` (or `+0100` without colon); seconds only when non-zero.
    static func formatOffset(_ seconds: Int64, colon: Bool) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        let sep = colon ? ":" : ""
        var s = sign + Dates.pad(Int(a / 3600), 2) + sep + Dates.pad(Int(a / 60 % 60), 2)
        if a % 60 != 0 { s += sep + Dates.pad(Int(a % 60), 2) }
        return s
    }

    /// Java's `ZoneId.SHORT_IDS`, which Spark passes to `ZoneId.of`.
    static let shortIds: [String: String] = [
        "ACT": "Australia/Darwin", "AET": "Australia/Sydney", "AGT": "America/Argentina/Buenos_Aires",
        "ART": "Africa/Cairo", "AST": "America/Anchorage", "BET": "America/Sao_Paulo", "BST": "Asia/Dhaka",
        "CAT": "Africa/Harare", "CNT": "America/St_Johns", "CST": "America/Chicago", "CTT": "Asia/Shanghai",
        "EAT": "Africa/Addis_Ababa", "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis",
        "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
        "NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix", "PRT": "America/Puerto_Rico",
        "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal", "VST": "Asia/Ho_Chi_Minh",
        "EST": "-05:00", "MST": "-07:00", "HST": "-10:00",
    ]
}

/// Directory test without Foundation.
enum FileStatusProbe {
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
