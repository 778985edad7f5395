import Columnar
import Testing
@testable import Formats

@Suite struct JSONLinesReaderTests {
    private let allTypes = Schema([
        Field("flag", .bool), Field("count", .int64), Field("ratio", .double), Field("name", .string),
        Field("at", .timestamp), Field("day", .date),
    ])

    private func reader(_ schema: Schema, _ options: ReaderOptions = ReaderOptions(corruptRecordColumn: nil)) -> JSONLinesReader {
        JSONLinesReader(schema: schema, options: options)
    }

    @Test func readsEveryType() throws {
        let text = """
            {"flag": true, "count": -42, "ratio": 2.5e-3, "name": "ada", "at": "2024-03-01T12:34:56Z", "day": "2024-02-29"}
            {"flag":false,"count":9223372036854775807,"ratio":-7,"name":"","at":1709296496123,"day":"1970-01-01"}
            """
        let r = try reader(allTypes).read(text: text)
        #expect(r.batch.schema == allTypes)
        #expect(r.batch.rows == [
            [true, -42, 0.0025, "ada", ts(2024, 3, 1, 12, 34, 56), date(2024, 2, 29)],
            [false, .int64(Int64.max), -7.0, "", ts(2024, 3, 1, 12, 34, 56, micros: 123_000), date(1970, 1, 1)],
        ])
        #expect(r.badRecords.isEmpty)
        #expect(r.lines == 2)
        #expect(r.bytes == Int64(text.utf8.count))
    }

    @Test func isoTimestampsWithFractionsZonesAndEpochMillis() throws {
        let schema = Schema([Field("t", .timestamp)])
        let text = """
            {"t": "2024-03-01T12:34:56.5Z"}
            {"t": "2024-03-01T12:34:56.123456789Z"}
            {"t": "2024-03-01T14:34:56+02:00"}
            {"t": "2024-03-01T07:04:56-0530"}
            {"t": "2024-03-01 12:34:56"}
            {"t": "2024-03-01"}
            {"t": -1}
            {"t": 1.5}
            {"t": "2024-03-01T12:34:56\\u002B00:00"}
            """
        let r = try reader(schema).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.columns[0].int64Values == [
            Timestamps.make(year: 2024, month: 3, day: 1, hour: 12, minute: 34, second: 56, micros: 500_000),
            Timestamps.make(year: 2024, month: 3, day: 1, hour: 12, minute: 34, second: 56, micros: 123_456),
            Timestamps.make(year: 2024, month: 3, day: 1, hour: 12, minute: 34, second: 56),
            Timestamps.make(year: 2024, month: 3, day: 1, hour: 12, minute: 34, second: 56),
            Timestamps.make(year: 2024, month: 3, day: 1, hour: 12, minute: 34, second: 56),
            Timestamps.make(year: 2024, month: 3, day: 1),
            -1000, 1500,
            Timestamps.make(year: 2024, month: 3, day: 1, hour: 12, minute: 34, second: 56),
        ])
    }

    @Test func nestedPathsAddressObjects() throws {
        let schema = Schema([
            Field("context.customer", .string), Field("context.geo.country", .string), Field("id", .int64),
            Field("context", .string), Field("context.missing.deep", .int64),
        ])
        let text = """
            {"id": 1, "context": {"customer": "acme", "geo": {"country": "NL", "city": "Delft"}}}
            {"context": {"geo": null}, "id": 2}
            {"context": "flat", "id": 3}
            {"id": 4, "context": {"customer": {"nested": [1, 2]}}}
            """
        let r = try reader(schema).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.rows == [
            ["acme", "NL", 1, #"{"customer": "acme", "geo": {"country": "NL", "city": "Delft"}}"#, nil],
            [nil, nil, 2, #"{"geo": null}"#, nil],
            [nil, nil, 3, "flat", nil],
            [#"{"nested": [1, 2]}"#, nil, 4, #"{"customer": {"nested": [1, 2]}}"#, nil],
        ])
    }

    @Test func nullAndMissingFieldsAreNull() throws {
        let text = """
            {"flag": null, "count": null, "ratio": null, "name": null, "at": null, "day": null}
            {}
            { }
            """
        let r = try reader(allTypes).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.rowCount == 3)
        for row in r.batch.rows { #expect(row.allSatisfy { $0 == .null }) }
        #expect(r.batch.columns.allSatisfy { $0.nullCount == 3 })
    }

    @Test func stringEscapesAndUnicode() throws {
        let schema = Schema([Field("s", .string), Field("a", .string)])
        let text = #"""
            {"s": "quote \" backslash \\ slash \/ controls \b\f\n\r\t end"}
            {"s": "\u00e9\u4e2d\ud83d\ude00 and raw é中😀"}
            {"\u0073": "escaped key", "a": "\u0000"}
            {"s": "tab\there"}
            """#
        let r = try reader(schema).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.rows == [
            ["quote \" backslash \\ slash / controls \u{8}\u{C}\n\r\t end", nil],
            ["é中😀 and raw é中😀", nil],
            ["escaped key", "\u{0}"],
            ["tab\there", nil],
        ])
    }

    @Test func nonStringValuesInStringFieldsKeepTheirRawText() throws {
        let schema = Schema([Field("s", .string)])
        let text = """
            {"s": 12.50}
            {"s": -3}
            {"s": true}
            {"s": false}
            {"s": {"a": [1, 2, {"b": "}"}]}}
            {"s": [ ]}
            """
        let r = try reader(schema).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.columns[0].stringValues == StringArray(["12.50", "-3", "true", "false", #"{"a": [1, 2, {"b": "}"}]}"#, "[ ]"]))
    }

    @Test func numbersFollowTheFieldType() throws {
        let schema = Schema([Field("i", .int64), Field("d", .double)])
        let good = """
            {"i": 0, "d": 0}
            {"i": -9223372036854775808, "d": 1E+2}
            {"d": "NaN"}
            {"d": "-Infinity"}
            """
        let r = try reader(schema).read(text: good)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.columns[0][1] == .int64(Int64.min))
        #expect(r.batch.columns[1].doubleValues[0...1] == [0, 100])
        #expect(r.batch.columns[1].doubleValues[2].isNaN)
        #expect(r.batch.columns[1].doubleValues[3] == -.infinity)

        let bad = """
            {"i": 1.5}
            {"i": 1.0}
            {"i": 1e3}
            {"i": 9223372036854775808}
            {"i": "12"}
            {"d": "1.5"}
            {"i": true}
            """
        let b = try reader(schema, ReaderOptions(mode: .dropMalformed)).read(text: bad)
        #expect(b.batch.rowCount == 0)
        #expect(b.badRecords.map(\.line) == [1, 2, 3, 4, 5, 6, 7])
        #expect(b.badRecords[0].reason == "field 'i': expected int64, found 1.5")
        #expect(b.badRecords[4].reason == #"field 'i': expected int64, found "12""#)
    }

    @Test func unknownFieldsAreSkipped() throws {
        let schema = Schema([Field("keep", .int64)])
        let text = #"""
            {"skip": {"a": [1, {"b": "x\"}]"}, null, true, -0.5e-7], "c": {}}, "keep": 1, "more": [[[]]], "s": "\ud83d\ude00"}
            {"keep": 2, "z": "\\"}
            """#
        let r = try reader(schema).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.columns[0].int64Values == [1, 2])
    }

    @Test func duplicateKeysLastOneWins() throws {
        let schema = Schema([Field("a", .int64), Field("o.x", .int64), Field("o.y", .int64)])
        let text = """
            {"a": 1, "a": 2, "o": {"x": 1, "y": 2}, "o": {"x": 3}}
            {"o": {"x": 1, "x": null}}
            """
        let r = try reader(schema).read(text: text)
        #expect(r.batch.rows == [[2, 3, nil], [nil, nil, nil]])
    }

    @Test func keysInAnyOrderAndManyFields() throws {
        let fields = (0..<40).map { Field("field_number_\($0)", .int64) }
        let schema = Schema(fields)
        let forward = "{" + (0..<40).map { "\"field_number_\($0)\": \($0)" }.joined(separator: ",") + "}"
        let backward = "{" + (0..<40).reversed().map { "\"field_number_\($0)\": \($0 * 2)" }.joined(separator: ",") + "}"
        let r = try reader(schema).read(text: [forward, backward, forward].joined(separator: "\n"))
        let once: [Value] = (0..<40).map { .int64(Int64($0)) }
        let twice: [Value] = (0..<40).map { .int64(Int64($0 * 2)) }
        #expect(r.batch.rows == [once, twice, once])
    }

    @Test func blankLinesAreSkippedAndCRLFIsHandled() throws {
        let schema = Schema([Field("n", .int64)])
        let r = try reader(schema, ReaderOptions(mode: .dropMalformed)).read(text: "{\"n\":1}\r\n\r\n   \t\n{\"n\":2}\r\nnope\r\n{\"n\":3}")
        #expect(r.batch.columns[0].int64Values == [1, 2, 3])
        #expect(r.badRecords == [BadRecord(path: "mem", line: 5, reason: "not a JSON object", text: "nope")])
        #expect(r.lines == 6)
    }

    @Test func datesMustBeDates() throws {
        let schema = Schema([Field("d", .date)])
        let r = try reader(schema, ReaderOptions(mode: .dropMalformed)).read(text: """
            {"d": "2024-12-31"}
            {"d": "2024-12-31T23:00:00-05:00"}
            {"d": "2024-02-30"}
            {"d": "2024-12-31Tgarbage"}
            {"d": 20241231}
            """)
        #expect(r.batch.rows == [[date(2024, 12, 31)], [date(2024, 12, 31)]])
        #expect(r.badRecords.map(\.line) == [3, 4, 5])
    }
}
