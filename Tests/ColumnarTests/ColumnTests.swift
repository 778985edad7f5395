import Testing

@testable import Columnar

@Test func builderTracksNullsLazily() {
    var b = ColumnBuilder(type: .int64)
    b.append(Int64(1))
    b.append(Int64(2))
    #expect(b.finish().validity == nil)
    b.appendNull()
    let c = b.finish()
    #expect(c.nullCount == 1)
    #expect(c[0] == .int64(1) && c[2] == .null)
}

@Test func takeFilterConcatKeepValuesAndNulls() throws {
    let c = Column.from(["a", nil, "ccc", "dd"], type: .string)
    #expect(c.take([3, 1, 0]).count == 3)
    #expect(c.take([3, 1, 0])[0] == .string("dd"))
    #expect(c.take([3, 1, 0])[1] == .null)
    #expect(c.filter([true, false, true, false])[1] == .string("ccc"))
    let joined = Column.concat([c, c.slice(0..<2)], type: .string)
    #expect(joined.count == 6)
    #expect(joined[5] == .null && joined[4] == .string("a"))
}

@Test func recordBatchChecksShapes() throws {
    let s = Schema([Field("a", .int64), Field("b", .string)])
    #expect(throws: ColumnarError.self) {
        try RecordBatch(schema: s, columns: [.int64s([1, 2]), .strings(StringArray(["x"]))])
    }
    let b = try RecordBatch.fromRows([[1, "x"], [2, nil]], schema: s)
    #expect(b.rows == [[.int64(1), .string("x")], [.int64(2), .null]])
    #expect(try b.project(["b"]).schema.names == ["b"])
}

@Test func timestampParsingAndFormatting() {
    #expect(Timestamps.parseISO8601("2026-11-25T10:00:00.123Z") == Timestamps.make(year: 2026, month: 11, day: 25, hour: 10, micros: 123_000))
    #expect(Timestamps.parseISO8601("2026-11-25T10:00:00.1234567Z") == Timestamps.make(year: 2026, month: 11, day: 25, hour: 10, micros: 123_456))
    #expect(Timestamps.parseISO8601("2026-11-25T10:00:00-0130") == Timestamps.make(year: 2026, month: 11, day: 25, hour: 11, minute: 30))
    #expect(Timestamps.parseISO8601("2026-11-25 10:00") == Timestamps.make(year: 2026, month: 11, day: 25, hour: 10))
    #expect(Timestamps.parseISO8601("2026-11-25") == Timestamps.make(year: 2026, month: 11, day: 25))
    #expect(Timestamps.parseISO8601("2026-02-30T00:00:00Z") == nil)
    #expect(Timestamps.parseISO8601("2026-11-25T10:00:00Zjunk") == nil)
    #expect(Timestamps.format(Timestamps.make(year: 2026, month: 11, day: 25, hour: 10, micros: 123_000)) == "2026-11-25T10:00:00.123Z")
    #expect(Timestamps.format(-1) == "1969-12-31T23:59:59.999999Z")
    #expect(Dates.format(Int32(Dates.days(year: 1944, month: 6, day: 6))) == "1944-06-06")
}

@Test func numberParsing() {
    func d(_ s: String) -> Double? { var s = s; return s.withUTF8 { NumberParser.double($0) } }
    func i(_ s: String) -> Int64? { var s = s; return s.withUTF8 { NumberParser.int64($0) } }
    #expect(d("-12.5e3") == -12500)
    #expect(d("0.1") == 0.1)
    #expect(d("123456789012345678901234") == 1.2345678901234568e23)
    #expect(d("1e400") == .infinity || d("1e400") == nil)
    #expect(d("1.") == 1.0 || d("1.") == nil)
    #expect(d("abc") == nil)
    #expect(i("-9223372036854775808") == .min)
    #expect(i("9223372036854775808") == nil)
    #expect(i("12a") == nil)
}

@Test func takeOrNullGivesNullsForNegativePositions() {
    let c = Column.strings(StringArray(["a", "b", "c"]), validity: Bitmap([true, false, true]))
    let t = c.take(orNull: [2, -1, 1, 0])
    #expect((0..<4).map { t[$0] } == [.string("c"), .null, .null, .string("a")])
    let empty = Column.strings(StringArray())
    #expect(empty.take(orNull: [-1, -1]).nullCount == 2)
    #expect(c.take(orNull: [0, 2]).nullCount == 0)
}
