import Columnar
import SQLSinkCore
import Testing

@Suite struct SQLTextTests {
    private func copyText(_ rows: [[Value]], _ schema: Schema) throws -> String {
        var out: [UInt8] = []
        CopyTextEncoder.encode(try RecordBatch.fromRows(rows, schema: schema), rows: 0..<rows.count, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func copyTextEscapesSeparatorsAndMarksNulls() throws {
        let schema = Schema([Field("s", .string), Field("n", .int64)])
        let text = try copyText([[.string("a\tb\nc\\d\re"), .int64(-7)], [.null, .null], [.string(""), .int64(Int64.min)]], schema)
        #expect(text == "a\\tb\\nc\\\\d\\re\t-7\n\\N\t\\N\n\t-9223372036854775808\n")
    }

    @Test func copyTextWritesEveryType() throws {
        let schema = Schema([Field("b", .bool), Field("d", .double), Field("t", .timestamp), Field("day", .date)])
        let text = try copyText([
            [.bool(true), .double(0.1), .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 10, minute: 5, second: 7, micros: 42)), .date(0)],
            [.bool(false), .double(-.infinity), .timestamp(-1), .date(-719_163)],
            [.null, .double(.nan), .null, .null],
        ], schema)
        #expect(text == """
            t\t0.1\t2026-11-25 10:05:07.000042+00\t1970-01-01
            f\t-Infinity\t1969-12-31 23:59:59.999999+00\t0001-12-31 BC
            \\N\tNaN\t\\N\t\\N

            """)
    }

    @Test func sqliteTimestampsSortAsTextAndMatchDatetimeOutput() {
        let a = SQLTimeText.timestamp(Timestamps.make(year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5), postgresZone: false)
        #expect(a == "2026-01-02 03:04:05.000000")
        let earlier = SQLTimeText.timestamp(Timestamps.make(year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 4, micros: 999_999), postgresZone: false)
        #expect(earlier < a)
    }

    @Test func specRefusesWhatWouldBreakTheSQL() throws {
        let schema = Schema([Field("k", .string), Field("v", .int64)])
        #expect(throws: SQLSinkError.self) { try SQLTableSpec(dialect: .postgres, table: "t", keys: [], schema: schema, mode: .update) }
        #expect(throws: SQLSinkError.self) { try SQLTableSpec(dialect: .postgres, table: "t", keys: ["nope"], schema: schema, mode: .update) }
        #expect(throws: SQLSinkError.self) { try SQLTableSpec(dialect: .sqlite, table: "bad\"name", keys: [], schema: schema, mode: .append) }
        #expect(throws: SQLSinkError.self) {
            try SQLTableSpec(dialect: .postgres, table: String(repeating: "x", count: 64), keys: [], schema: schema, mode: .append)
        }
        let spec = try SQLTableSpec(dialect: .postgres, table: "t", keys: ["k"], schema: schema, mode: .update)
        #expect(spec.createTableSQL == #"CREATE TABLE IF NOT EXISTS "t" ("k" text NOT NULL, "v" bigint, PRIMARY KEY ("k"))"#)
        #expect(spec.upsertSQL(rows: "VALUES ($1, $2)")
            == #"INSERT INTO "t" ("k", "v") VALUES ($1, $2) ON CONFLICT ("k") DO UPDATE SET "v" = excluded."v""#)
    }

    @Test func anUpdateBatchKeepsTheLastRowOfEachKey() throws {
        let schema = Schema([Field("k", .string), Field("v", .int64)])
        let b = try RecordBatch.fromRows([["a", 1], ["b", 2], ["a", 3], ["c", 4], ["b", 5]], schema: schema)
        #expect(UpdateBatchKeys.lastRowPerKey(b, keyIndices: [0]).rows == [["a", 3], ["c", 4], ["b", 5]])
    }
}
