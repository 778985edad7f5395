import Columnar
import Testing

@testable import Formats

@Test func jsonLinesKeepColumnOrderAndWriteTimestampsInUTC() throws {
    let schema = Schema([Field("ts", .timestamp), Field("msg", .string), Field("n", .int64), Field("x", .double), Field("d", .date), Field("ok", .bool)])
    let batch = try RecordBatch.fromRows(
        [
            [.timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 10, micros: 123_000)), "say \"hi\"\n\u{1}", 5, 1.5, .date(20782), true],
            [nil, nil, nil, .double(.nan), nil, nil],
        ], schema: schema)
    var out: [UInt8] = []
    RowTextEncoder(format: .jsonLines, schema: schema).encode(batch, into: &out)
    #expect(String(decoding: out, as: UTF8.self) == """
        {"ts":"2026-11-25T10:00:00.123Z","msg":"say \\"hi\\"\\n\\u0001","n":5,"x":1.5,"d":"2026-11-25","ok":true}
        {"ts":null,"msg":null,"n":null,"x":"NaN","d":null,"ok":null}

        """)
}

@Test func csvQuotesWhereNeededAndTellsNullFromEmpty() throws {
    let schema = Schema([Field("a", .string), Field("b,c", .string), Field("ts", .timestamp)])
    let batch = try RecordBatch.fromRows([["x,y", "", .timestamp(0)], [nil, "say \"hi\"", nil]], schema: schema)
    let encoder = RowTextEncoder(format: .csv, schema: schema)
    var out = encoder.header()
    encoder.encode(batch, into: &out)
    #expect(String(decoding: out, as: UTF8.self) == "a,\"b,c\",ts\n\"x,y\",\"\",1970-01-01T00:00:00Z\n,\"say \"\"hi\"\"\",\n")
}
