/// A datetime pattern as Spark's `date_format` takes it (Spark's "Datetime Patterns" reference,
/// a subset of Java's `DateTimeFormatter`), compiled once and applied to many timestamps.
///
/// Supported letters: `G` era, `y` year (`yy` = two digits), `M`/`L` month (`MMM` short name,
/// `MMMM` full name), `d` day of month, `D` day of year, `Q`/`q` quarter, `E` day of week
/// (`EEEE` full name), `a` AM/PM, `h` 1-12, `K` 0-11, `k` 1-24, `H` 0-23, `m`, `s`,
/// `S` fraction of a second (1 to 9 digits), `VV` zone id, `z` zone abbreviation,
/// `O`/`OOOO` localized offset (`GMT+1`), `X`/`x`/`Z` offsets; text in single quotes,
/// `''` for a quote. Other letters are refused.
public struct DateTimePattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(String)
        case field(Character, Int)
    }

    let tokens: [Token]
    public let pattern: String

    public init(_ pattern: String) throws {
        self.pattern = pattern
        var tokens: [Token] = []
        let chars = Array(pattern)
        var i = 0
        func bad(_ why: String) -> ColumnarError { .invalidArgument("datetime pattern '\(pattern)': \(why)") }
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                var text = ""
                i += 1
                if i < chars.count && chars[i] == "'" {
                    tokens.append(.literal("'"))
                    i += 1
                    continue
                }
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" {
                            text.append("'")
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    text.append(chars[i])
                    i += 1
                }
                guard closed else { throw bad("unterminated quote") }
                tokens.append(.literal(text))
                continue
            }
            if c.isASCII && c.isLetter {
                var n = 1
                while i + n < chars.count && chars[i + n] == c { n += 1 }
                guard let limit = Self.maxWidth[c] else { throw bad("unsupported pattern letter '\(c)'") }
                guard n <= limit else { throw bad("too many pattern letters: '\(String(repeating: c, count: n))'") }
                if c == "V" && n != 2 { throw bad("pattern letter count must be 2: V") }
                tokens.append(.field(c, n))
                i += n
                continue
            }
            if c == "[" || c == "]" || c == "{" || c == "}" || c == "#" { throw bad("reserved character '\(c)'") }
            tokens.append(.literal(String(c)))
            i += 1
        }
        self.tokens = tokens
    }

    static let maxWidth: [Character: Int] = [
        "G": 5, "y": 9, "M": 4, "L": 4, "d": 2, "D": 3, "Q": 4, "q": 4, "E": 4, "a": 1, "h": 2, "K": 2, "k": 2,
        "H": 2, "m": 2, "s": 2, "S": 9, "V": 2, "z": 4, "O": 4, "X": 5, "x": 5, "Z": 5,
    ]

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Formats UTC instant `t` (µs) as wall-clock time in `zone`.
    public func format(_ t: Int64, in zone: TimeZoneRules) -> String {
        let offset = zone.offsetSeconds(atUTC: Timestamps.floorDiv(t, Timestamps.microsPerSecond))
        let local = t &+ offset * Timestamps.microsPerSecond
        let days = Timestamps.floorDiv(local, Timestamps.microsPerDay)
        let micros = local - days * Timestamps.microsPerDay
        let civil = Dates.civil(Int(days))
        let hour = Int(micros / Timestamps.microsPerHour)
        var out = ""
        for token in tokens {
            switch token {
            case .literal(let s): out += s
            case .field(let c, let n):
                switch c {
                case "G": out += n == 4 ? (civil.year > 0 ? "Anno Domini" : "Before Christ") : n == 5 ? (civil.year > 0 ? "A" : "B") : (civil.year > 0 ? "AD" : "BC")
                case "y":
                    let y = civil.year > 0 ? civil.year : 1 - civil.year
                    out += n == 2 ? Dates.pad(y % 100, 2) : Dates.pad(y, n)
                case "M", "L":
                    out += n >= 4 ? Self.monthNames[civil.month - 1] : n == 3 ? String(Self.monthNames[civil.month - 1].prefix(3)) : Dates.pad(civil.month, n)
                case "d": out += Dates.pad(civil.day, n)
                case "D": out += Dates.pad(Int(days) - Dates.days(year: civil.year, month: 1, day: 1) + 1, n)
                case "Q", "q":
                    let q = (civil.month - 1) / 3 + 1
                    out += n >= 4 ? ["1st", "2nd", "3rd", "4th"][q - 1] + " quarter" : n == 3 ? "Q\(q)" : Dates.pad(q, n)
                case "E":
                    // 1970-01-01 was a Thursday (index 3 from Monday).
                    let name = Self.dayNames[Int(((days + 3) % 7 + 7) % 7)]
                    out += n >= 4 ? name : String(name.prefix(3))
                case "a": out += hour < 12 ? "AM" : "PM"
                case "h": out += Dates.pad(hour % 12 == 0 ? 12 : hour % 12, n)
                case "K": out += Dates.pad(hour % 12, n)
                case "k": out += Dates.pad(hour == 0 ? 24 : hour, n)
                case "H": out += Dates.pad(hour, n)
                case "m": out += Dates.pad(Int(micros / Timestamps.microsPerMinute % 60), n)
                case "s": out += Dates.pad(Int(micros / Timestamps.microsPerSecond % 60), n)
                case "S":
                    let nanos = String(Dates.pad(Int(micros % Timestamps.microsPerSecond) * 1000, 9))
                    out += nanos.prefix(n)
                case "V": out += zone.id
                case "z": out += zone.abbreviation(atUTC: Timestamps.floorDiv(t, Timestamps.microsPerSecond))
                case "O":
                    if offset == 0 { out += "GMT"; break }
                    let a = abs(offset), sign = offset < 0 ? "-" : "+"
                    if n == 1 {
                        out += "GMT" + sign + String(a / 3600) + (a % 3600 == 0 ? "" : ":" + Dates.pad(Int(a / 60 % 60), 2))
                    } else {
                        out += "GMT" + TimeZoneRules.formatOffset(offset, colon: true)
                    }
                case "X", "x", "Z":
                    out += Self.offsetText(c, n, offset)
                default: break
                }
            }
        }
        return out
    }

    /// Java's offset letters: X (Z for zero), x (never Z), Z (`+0000`, `ZZZZ` = `GMT+01:00`, `ZZZZZ` = `+01:00`/`Z`).
    static func offsetText(_ c: Character, _ n: Int, _ offset: Int64) -> String {
        if c == "X" && offset == 0 { return "Z" }
        if c == "Z" {
            switch n {
            case 4: return offset == 0 ? "GMT" : "GMT" + TimeZoneRules.formatOffset(offset, colon: true)
            case 5: return offset == 0 ? "Z" : withSeconds(offset, colon: true)
            default: return withSeconds(offset, colon: false)
            }
        }
        let a = abs(offset), sign = offset < 0 ? "-" : "+"
        let hh = Dates.pad(Int(a / 3600), 2), mm = Dates.pad(Int(a / 60 % 60), 2), ss = Dates.pad(Int(a % 60), 2)
        switch n {
        case 1: return sign + hh + (a / 60 % 60 == 0 ? "" : mm)
        case 2: return sign + hh + mm
        case 3: return sign + hh + ":" + mm
        case 4: return sign + hh + mm + (a % 60 == 0 ? "" : ss)
        default: return sign + hh + ":" + mm + (a % 60 == 0 ? "" : ":" + ss)
        }
    }

    private static func withSeconds(_ offset: Int64, colon: Bool) -> String {
        let a = abs(offset), sign = offset < 0 ? "-" : "+"
        let sep = colon ? ":" : ""
        return sign + Dates.pad(Int(a / 3600), 2) + sep + Dates.pad(Int(a / 60 % 60), 2) + (a % 60 == 0 ? "" : sep + Dates.pad(Int(a % 60), 2))
    }
}
