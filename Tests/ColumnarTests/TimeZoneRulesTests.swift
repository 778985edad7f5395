import Testing

@testable import Columnar

private func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
    Timestamps.make(year: y, month: mo, day: d, hour: h, minute: mi, second: s) / Timestamps.microsPerSecond
}

@Test func regionOffsetsFollowTransitionsAndTheFooterRule() throws {
    let ny = try TimeZoneRules.named("America/New_York")
    // Spring forward 2026-03-08 07:00Z; fall back 2026-11-01 06:00Z.
    #expect(ny.offsetSeconds(atUTC: utc(2026, 3, 8, 6, 59, 59)) == -5 * 3600)
    #expect(ny.offsetSeconds(atUTC: utc(2026, 3, 8, 7)) == -4 * 3600)
    #expect(ny.offsetSeconds(atUTC: utc(2026, 11, 1, 5, 59, 59)) == -4 * 3600)
    #expect(ny.offsetSeconds(atUTC: utc(2026, 11, 1, 6)) == -5 * 3600)
    #expect(ny.abbreviation(atUTC: utc(2026, 7, 1)) == "EDT")
    // Past the file's explicit transitions: the POSIX rule (EST5EDT,M3.2.0,M11.1.0).
    #expect(ny.offsetSeconds(atUTC: utc(2090, 7, 1)) == -4 * 3600)
    #expect(ny.offsetSeconds(atUTC: utc(2090, 12, 1)) == -5 * 3600)
    // Southern hemisphere: DST spans the new year.
    let sydney = try TimeZoneRules.named("Australia/Sydney")
    #expect(sydney.offsetSeconds(atUTC: utc(2026, 1, 15)) == 11 * 3600)
    #expect(sydney.offsetSeconds(atUTC: utc(2026, 7, 15)) == 10 * 3600)
    #expect(sydney.offsetSeconds(atUTC: utc(2080, 1, 15)) == 11 * 3600)
    #expect(sydney.offsetSeconds(atUTC: utc(2080, 7, 15)) == 10 * 3600)
}

@Test func localTimesInGapsMoveForwardAndOverlapsTakeTheEarlierInstant() throws {
    let ny = try TimeZoneRules.named("America/New_York")
    // Ordinary: 12:00 EST = 17:00Z.
    #expect(ny.utcSeconds(fromLocal: utc(2026, 1, 10, 12)) == utc(2026, 1, 10, 17))
    // 02:30 does not exist on 2026-03-08: moved forward by the gap, 03:30 EDT = 07:30Z.
    #expect(ny.utcSeconds(fromLocal: utc(2026, 3, 8, 2, 30)) == utc(2026, 3, 8, 7, 30))
    // 01:30 happens twice on 2026-11-01: the earlier instant (EDT) = 05:30Z.
    #expect(ny.utcSeconds(fromLocal: utc(2026, 11, 1, 1, 30)) == utc(2026, 11, 1, 5, 30))
    // Right after the overlap ends: 02:00 EST = 07:00Z.
    #expect(ny.utcSeconds(fromLocal: utc(2026, 11, 1, 2)) == utc(2026, 11, 1, 7))
    let berlin = try TimeZoneRules.named("Europe/Berlin")
    #expect(berlin.utcSeconds(fromLocal: utc(2026, 3, 29, 2, 30)) == utc(2026, 3, 29, 1, 30))
    #expect(berlin.utcSeconds(fromLocal: utc(2026, 10, 25, 2, 30)) == utc(2026, 10, 25, 0, 30))
    // Rule-based years behave the same.
    #expect(ny.utcSeconds(fromLocal: utc(2090, 11, 5, 1, 30)) == utc(2090, 11, 5, 5, 30))
}

@Test func fixedOffsetsAndShortIdsAreReadAsSparkReadsThem() throws {
    #expect(try TimeZoneRules.named("+05:30").offsetSeconds(atUTC: 0) == 19_800)
    #expect(try TimeZoneRules.named("-8").offsetSeconds(atUTC: 0) == -28_800)
    #expect(try TimeZoneRules.named("+0130").offsetSeconds(atUTC: 0) == 5_400)
    #expect(try TimeZoneRules.named("GMT-8").offsetSeconds(atUTC: 0) == -28_800)
    #expect(try TimeZoneRules.named("UTC+01:00").offsetSeconds(atUTC: 0) == 3_600)
    #expect(try TimeZoneRules.named("Z").offsetSeconds(atUTC: 0) == 0)
    #expect(try TimeZoneRules.named("EST").offsetSeconds(atUTC: utc(2026, 7, 1)) == -5 * 3600)
    #expect(try TimeZoneRules.named("PST").offsetSeconds(atUTC: utc(2026, 7, 1)) == -7 * 3600)
    for bad in ["Mars/Olympus", "../../etc/passwd", "+19:00", "", "Europe//Paris", "UTC+x"] {
        #expect(throws: ColumnarError.self) { try TimeZoneRules.named(bad) }
    }
}

@Test func posixRulesParseTheFooterForms() throws {
    let r = try #require(PosixTimeZoneRule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"))
    #expect(r.standardOffset == 37_800)
    #expect(r.dstOffset == 39_600)
    let fixed = try #require(PosixTimeZoneRule("<-03>3"))
    #expect(fixed.standardOffset == -10_800)
    #expect(fixed.start == nil)
    let j = try #require(PosixTimeZoneRule("IST-2IDT,M3.4.4/26,M10.5.0"))
    #expect(j.start == PosixTimeZoneRule.Change(day: .monthWeekDay(month: 3, week: 4, weekday: 4), time: 93_600))
    #expect(PosixTimeZoneRule("ab1") == nil)
}

@Test func datePatternsFormatInTheZone() throws {
    let t = Timestamps.make(year: 2026, month: 11, day: 25, hour: 23, minute: 5, second: 9, micros: 123_456)
    let berlin = try TimeZoneRules.named("Europe/Berlin")
    #expect(try DateTimePattern("yyyy-MM-dd HH:mm:ss.SSS").format(t, in: berlin) == "2026-11-26 00:05:09.123")
    #expect(try DateTimePattern("EEE, d MMM yy h:mm a z XXX").format(t, in: berlin) == "Thu, 26 Nov 26 12:05 AM CET +01:00")
    #expect(try DateTimePattern("EEEE MMMM D Q 'at' k''").format(t, in: .utc) == "Wednesday November 329 4 at 23'")
    #expect(try DateTimePattern("X x Z VV").format(t, in: .utc) == "Z +00 +0000 UTC")
    #expect(throws: ColumnarError.self) { try DateTimePattern("yyyy-MM-dd 'open") }
    #expect(throws: ColumnarError.self) { try DateTimePattern("YYYY-ww") }
}
