import Testing

@testable import Columnar

private let schema = Schema([
    Field("level", .string), Field("latency", .int64), Field("ratio", .double),
    Field("ts", .timestamp), Field("day", .date), Field("ok", .bool),
])

private func sampleBatch() throws -> RecordBatch {
    try RecordBatch.fromRows(
        [
            ["ERROR", 120, 0.5, .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 10, minute: 5)), .date(20782), true],
            ["info", nil, 1.5, .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 23, minute: 59, second: 59)), nil, false],
            [nil, 7, nil, nil, .date(0), nil],
        ], schema: schema)
}

@Test func comparisonWithLiteralAndNulls() throws {
    let b = try sampleBatch()
    let c = try (col("level") == "ERROR").evaluate(b)
    #expect(c[0] == .bool(true))
    #expect(c[1] == .bool(false))
    #expect(c[2] == .null)
    #expect(try (col("level") == "ERROR").evaluateMask(b) == [true, false, false])
    #expect(try (col("latency") > 10).evaluateMask(b) == [true, false, false])
    #expect(try (col("latency") < col("ratio")).evaluateMask(b) == [false, false, false])
}

@Test func threeValuedLogic() throws {
    let b = try sampleBatch()
    // null AND false = false; null OR true = true; null AND true = null.
    let andFalse = try ((col("latency") > 10) && (col("ok") == true)).evaluate(b)
    #expect(andFalse[1] == .bool(false))
    let orTrue = try ((col("latency") > 1000) || col("ok")).evaluate(b)
    #expect(orTrue[0] == .bool(true))
    #expect(orTrue[2] == .null)
    #expect(try (!(col("ok"))).evaluate(b)[0] == .bool(false))
}

@Test func arithmeticFollowsSparkRules() throws {
    let b = try sampleBatch()
    #expect(try (col("latency") + 1).evaluate(b)[0] == .int64(121))
    #expect(try (col("latency") * col("ratio")).evaluate(b)[0] == .double(60))
    #expect(try (col("latency") / 0).evaluate(b)[0] == .null)
    #expect(try (col("latency") / 240).evaluate(b)[0] == .double(0.5))
    #expect(try (col("latency") % 7).evaluate(b)[0] == .int64(1))
    #expect(try (col("latency") + 1).evaluate(b)[1] == .null)
}

@Test func nullChecksAndCasts() throws {
    let b = try sampleBatch()
    #expect(try col("level").isNull().evaluateMask(b) == [false, false, true])
    #expect(try col("latency").isNotNull().evaluateMask(b) == [true, false, true])
    #expect(try col("latency").cast(.string).evaluate(b)[0] == .string("120"))
    #expect(try lit("42").cast(.int64).evaluate(b)[0] == .int64(42))
    #expect(try lit("x42").cast(.int64).evaluate(b)[0] == .null)
    #expect(try col("ts").cast(.date).evaluate(b)[0] == .date(20782))
    #expect(try lit("2026-11-25T10:00:00.5+01:00").cast(.timestamp).evaluate(b)[0]
        == .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 9, micros: 500_000)))
}

@Test func stringFunctions() throws {
    let b = try sampleBatch()
    #expect(try lower(col("level")).evaluate(b)[0] == .string("error"))
    #expect(try upper(col("level")).evaluate(b)[1] == .string("INFO"))
    #expect(try col("level").contains("RR").evaluateMask(b) == [true, false, false])
    #expect(try col("level").startsWith("inf").evaluateMask(b) == [false, true, false])
    #expect(try col("level").endsWith("OR").evaluateMask(b) == [true, false, false])
    #expect(try length(lit("héllo")).evaluate(b)[0] == .int64(5))
    let joined = try concat(col("level"), lit("-"), col("latency")).evaluate(b)
    #expect((0..<3).map { joined[$0] } == [.string("ERROR-120"), .null, .null])  // any null argument gives null
    #expect(try Expr.call(.contains, [col("level"), lit(.null)]).evaluate(b)[0] == .null)
    #expect(try lower(lit("ÉCOLE")).evaluate(b)[0] == .string("école"))
}

@Test func timeFunctions() throws {
    let b = try sampleBatch()
    #expect(try toDate(col("ts")).evaluate(b)[1] == .date(20782))
    #expect(try hour(col("ts")).evaluate(b)[0] == .int64(10))
    #expect(try minute(col("ts")).evaluate(b)[1] == .int64(59))
    #expect(try dateTrunc(.hour, col("ts")).evaluate(b)[0] == .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 10)))
    #expect(try dateTrunc(.month, col("ts")).evaluate(b)[0] == .timestamp(Timestamps.make(year: 2026, month: 11, day: 1)))
    #expect(try year(col("day")).evaluate(b)[2] == .int64(1970))
    // A string literal compared with a timestamp column is parsed as a timestamp.
    #expect(try (col("ts") >= "2026-11-25T12:00:00Z").evaluateMask(b) == [false, true, false])
}

@Test func typeErrorsNameTheExpression() throws {
    let b = try sampleBatch()
    #expect(throws: ColumnarError.self) { try (col("level") + 1).evaluate(b) }
    #expect(throws: ColumnarError.self) { try col("nope").evaluate(b) }
    do {
        _ = try col("nope").evaluate(b)
    } catch {
        #expect("\(error)".contains("unknown column 'nope'"))
    }
}
