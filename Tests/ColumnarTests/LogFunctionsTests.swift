import Testing

@testable import Columnar

private let schema = Schema([
    Field("msg", .string), Field("level", .string), Field("n", .int64), Field("ts", .timestamp), Field("zone", .string),
])

private func batch() throws -> RecordBatch {
    try RecordBatch.fromRows(
        [
            ["user=alice id=100-200", "ERROR", 5, .timestamp(Timestamps.make(year: 2016, month: 8, day: 31)), "Asia/Seoul"],
            ["Spark SQL", "WARN", nil, .timestamp(Timestamps.make(year: 2026, month: 3, day: 8, hour: 2, minute: 30)), "America/New_York"],
            [nil, nil, 7, nil, nil],
            ["héllo wörld", "INFO", 1, .timestamp(Timestamps.make(year: 2026, month: 11, day: 1, hour: 1, minute: 30)), "America/New_York"],
        ], schema: schema)
}

private func values(_ e: Expr) throws -> [Value] {
    let b = try batch()
    let c = try e.evaluate(b)
    return (0..<c.count).map { c[$0] }
}

@Test func whenOtherwisePicksTheFirstTrueBranch() throws {
    let e = when(col("level") == "ERROR", 2).when(col("level").isin("WARN", "ERROR"), 1).otherwise(0)
    // A null condition is not true: the null row falls to otherwise.
    #expect(try values(e) == [.int64(2), .int64(1), .int64(0), .int64(0)])
    #expect(try values(when(col("n") > 4, lit(.string("big")))) == [.string("big"), .null, .string("big"), .null])
    // Mixed numeric branches widen to double; null literals take the branches' type.
    #expect(try values(when(col("n") > 4, 1).otherwise(0.5)) == [.double(1), .double(0.5), .double(1), .double(0.5)])
    #expect(try values(when(col("n") > 4, lit(.null)).otherwise(col("n"))) == [.null, .null, .null, .int64(1)])
    #expect(throws: ColumnarError.self) { try values(col("n").when(col("n") > 1, 1)) }
    #expect(throws: ColumnarError.self) { try values(when(col("n") > 1, 1).otherwise(2).otherwise(3)) }
    #expect(throws: ColumnarError.self) { try values(when(col("n"), 1)) }
    #expect(throws: ColumnarError.self) { try values(when(col("n") > 1, 1).otherwise("x")) }
}

@Test func isinUsesThreeValuedLogic() throws {
    #expect(try values(col("level").isin("ERROR", "WARN")) == [.bool(true), .bool(true), .null, .bool(false)])
    // No match but a null in the list: null. A match wins over the null.
    #expect(try values(col("n").isin(lit(5), lit(.null))) == [.bool(true), .null, .null, .null])
    #expect(try values(col("n").isin([1, 7])) == [.bool(false), .null, .bool(true), .bool(true)])
}

@Test func substringCountsCharactersFromOne() throws {
    #expect(try values(substring(col("msg"), 5, 1))[1] == .string("k"))
    #expect(try values(substring(col("msg"), -3, 2))[1] == .string("SQ"))
    #expect(try values(substring(col("msg"), 0, 5))[1] == .string("Spark"))
    #expect(try values(substring(col("msg"), 2, 4))[3] == .string("éllo"))
    #expect(try values(substring(col("msg"), -5, 5))[3] == .string("wörld"))
    #expect(try values(substring(col("msg"), 3, -1))[1] == .string(""))
    #expect(try values(substring(col("msg"), 100, 2))[1] == .string(""))
    #expect(try values(col("msg").substr(1, 1))[2] == .null)
}

@Test func splitFollowsJavaSplitWithSparksLimit() throws {
    let b = try RecordBatch.fromRows([["oneAtwoBthreeC"], [""], [nil], ["abc"]], schema: Schema([Field("s", .string)]))
    func items(_ e: SplitExpr, _ count: Int) throws -> [[Value]] {
        try (0..<count).map { try e.getItem($0).evaluate(b) }.reduce(into: [[Value]](repeating: [], count: b.rowCount)) { acc, c in
            for i in 0..<c.count { acc[i].append(c[i]) }
        }
    }
    let parts = split(col("s"), "[ABC]")
    #expect(try parts.size.evaluate(b)[0] == .int64(4))
    #expect(try items(parts, 4)[0] == [.string("one"), .string("two"), .string("three"), .string("")])
    #expect(try parts.size.evaluate(b)[1] == .int64(1))
    #expect(try parts.size.evaluate(b)[2] == .null)
    #expect(try items(split(col("s"), "[ABC]", limit: 2), 3)[0] == [.string("one"), .string("twoBthreeC"), .null])
    // An empty pattern splits into characters, no trailing empty string.
    #expect(try items(split(col("s"), ""), 4)[3] == [.string("a"), .string("b"), .string("c"), .null])
    #expect(try items(split(col("s"), "", limit: 2), 2)[3] == [.string("a"), .string("bc")])
    #expect(try parts.getItem(-1).evaluate(b)[0] == .null)
}

@Test func regexpExtractAndRlike() throws {
    #expect(try values(regexpExtract(col("msg"), "(\\d+)-(\\d+)", 1))[0] == .string("100"))
    #expect(try values(regexpExtract(col("msg"), "(\\d+)-(\\d+)", 0))[0] == .string("100-200"))
    #expect(try values(regexpExtract(col("msg"), "user=(\\w+)", 1)) == [.string("alice"), .string(""), .null, .string("")])
    // A group that did not take part in the match gives "".
    #expect(try values(regexpExtract(col("msg"), "(x)?Spark", 1))[1] == .string(""))
    #expect(throws: ColumnarError.self) { try values(regexpExtract(col("msg"), "(\\d+)", 2)) }
    #expect(throws: ColumnarError.self) { try values(col("msg").rlike("(unclosed")) }
    #expect(try values(col("msg").rlike("^Spark\\s")) == [.bool(false), .bool(true), .null, .bool(false)])
    #expect(try values(col("msg").rlike("wörld")) == [.bool(false), .bool(false), .null, .bool(true)])
    #expect(try values(col("msg").rlike("w.rld$")) == [.bool(false), .bool(false), .null, .bool(true)])
}

@Test func utcConversionsFollowSparkAcrossDSTChanges() throws {
    // Spark's documented examples: from_utc_timestamp('2016-08-31', 'Asia/Seoul') = 2016-08-31 09:00.
    #expect(try values(fromUTCTimestamp(col("ts"), "Asia/Seoul"))[0] == .timestamp(Timestamps.make(year: 2016, month: 8, day: 31, hour: 9)))
    #expect(try values(toUTCTimestamp(col("ts"), "Asia/Seoul"))[0] == .timestamp(Timestamps.make(year: 2016, month: 8, day: 30, hour: 15)))
    // Zone per row; 02:30 in New York's spring gap becomes 07:30Z, 01:30 in the overlap the earlier 05:30Z.
    let toUTC = try values(toUTCTimestamp(col("ts"), col("zone")))
    #expect(toUTC[1] == .timestamp(Timestamps.make(year: 2026, month: 3, day: 8, hour: 7, minute: 30)))
    #expect(toUTC[2] == .null)
    #expect(toUTC[3] == .timestamp(Timestamps.make(year: 2026, month: 11, day: 1, hour: 5, minute: 30)))
    #expect(try values(fromUTCTimestamp(col("ts"), lit(.null))) == [.null, .null, .null, .null])
    #expect(throws: ColumnarError.self) { try values(fromUTCTimestamp(col("ts"), "Nowhere/Land")) }
}

@Test func dateFormatAndZonedToDate() throws {
    #expect(try values(dateFormat(col("ts"), "yyyy-MM-dd HH:mm z", timeZone: "America/New_York"))[3] == .string("2026-10-31 21:30 EDT"))
    #expect(try values(dateFormat(col("ts"), "y"))[0] == .string("2016"))
    #expect(try values(dateFormat(col("ts"), "HH:mm"))[2] == .null)
    #expect(throws: ColumnarError.self) { try values(dateFormat(col("ts"), "qqqqq")) }
    // 2016-08-31T00:00Z is still August 30 in New York.
    #expect(try values(toDate(col("ts"), timeZone: "America/New_York"))[0] == .date(Int32(Dates.days(year: 2016, month: 8, day: 30))))
    #expect(try values(toDate(col("ts")))[0] == .date(Int32(Dates.days(year: 2016, month: 8, day: 31))))
    // The session rewrite adds the zone to toDate and dateFormat only where none is given.
    let rewritten = toDate(col("ts")).resolvingSessionTimeZone("Asia/Seoul")
    #expect(try values(rewritten)[0] == .date(Int32(Dates.days(year: 2016, month: 8, day: 31))))
    #expect(try values(dateFormat(col("ts"), "HH").resolvingSessionTimeZone("Asia/Seoul"))[0] == .string("09"))
    #expect(try values(dateFormat(col("ts"), "HH", timeZone: "UTC").resolvingSessionTimeZone("Asia/Seoul"))[0] == .string("00"))
}

@Test func userDefinedFunctionsRunAColumnAtATime() throws {
    let calls = CallCounter()
    let doubled = udf("doubled", returns: .int64, arguments: [.int64]) { cols in
        calls.increment()
        return .int64s(cols[0].int64Values.map { $0 * 2 }, validity: cols[0].validity)
    }
    #expect(try values(doubled(col("n"))) == [.int64(10), .null, .int64(14), .int64(2)])
    #expect(calls.value == 1)
    // Literal arguments arrive as whole columns, cast to the declared type.
    let shout = udf("shout", returns: .string, arguments: [.string, .string]) { cols in
        var out = StringArray()
        for i in 0..<cols[0].count { out.append(cols[0].isValid(i) ? cols[0].stringValues[i] + cols[1].stringValues[i] : "") }
        return .strings(out, validity: cols[0].validity)
    }
    #expect(try values(shout(col("level"), lit("!"))) == [.string("ERROR!"), .string("WARN!"), .null, .string("INFO!")])
    #expect(throws: ColumnarError.self) { try values(doubled(col("n"), col("n"))) }
    #expect(throws: ColumnarError.self) { try values(doubled(col("ts").cast(.date))) }
    let broken = udf("broken", returns: .int64) { _ in .int64s([1]) }
    #expect(throws: ColumnarError.self) { try values(broken(col("n"))) }
}

private final class CallCounter: @unchecked Sendable {
    private(set) var value = 0
    func increment() { value += 1 }
}
