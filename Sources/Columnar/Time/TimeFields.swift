/// Field extraction and truncation on microsecond timestamps (UTC).
enum TimeFields {
    static func truncate(_ t: Int64, _ unit: TimeUnit) -> Int64 {
        func floorTo(_ m: Int64) -> Int64 { Timestamps.floorDiv(t, m) * m }
        switch unit {
        case .second: return floorTo(Timestamps.microsPerSecond)
        case .minute: return floorTo(Timestamps.microsPerMinute)
        case .hour: return floorTo(Timestamps.microsPerHour)
        case .day: return floorTo(Timestamps.microsPerDay)
        case .month, .year:
            let c = Dates.civil(Int(Timestamps.floorDiv(t, Timestamps.microsPerDay)))
            return Int64(Dates.days(year: c.year, month: unit == .year ? 1 : c.month, day: 1)) * Timestamps.microsPerDay
        }
    }

    static func extract(_ f: ScalarFunction, _ t: Int64) -> Int64 {
        let day = Timestamps.floorDiv(t, Timestamps.microsPerDay)
        let rem = t - day * Timestamps.microsPerDay
        switch f {
        case .hour: return rem / Timestamps.microsPerHour
        case .minute: return rem / Timestamps.microsPerMinute % 60
        case .second: return rem / Timestamps.microsPerSecond % 60
        default:
            let c = Dates.civil(Int(day))
            switch f {
            case .year: return Int64(c.year)
            case .month: return Int64(c.month)
            default: return Int64(c.day)
            }
        }
    }
}
