import Columnar
import Testing
@testable import Formats

@Suite struct JSONMalformedTests {
    private let schema = Schema([Field("id", .int64), Field("name", .string)])
    private let text = """
        {"id": 1, "name": "ok"}
        {"id": 2, "name": "unterminated}
        {"id": "three", "name": "typed"}
        [1, 2]
        {"id": 5} trailing
        {"id": 6, "name": "fine"}
        """

    @Test func permissiveKeepsRowsWithTheRawLine() throws {
        let declared = schema.setting(Field("_corrupt_record", .string))
        let reader = JSONLinesReader(schema: declared)
        #expect(reader.outputSchema == declared)
        let r = try reader.read(text: text, path: "in.jsonl")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(r.batch.rows == [
            [1, "ok", nil],
            [nil, nil, .string(lines[1])],
            [nil, "typed", .string(lines[2])],
            [nil, nil, .string(lines[3])],
            [nil, nil, .string(lines[4])],
            [6, "fine", nil],
        ])
        #expect(r.badRecords == [
            BadRecord(path: "in.jsonl", line: 2, reason: "invalid JSON at byte 19: unterminated string", text: lines[1]),
            BadRecord(path: "in.jsonl", line: 3, reason: #"field 'id': expected int64, found "three""#, text: lines[2]),
            BadRecord(path: "in.jsonl", line: 4, reason: "not a JSON object", text: lines[3]),
            BadRecord(path: "in.jsonl", line: 5, reason: "invalid JSON at byte 11: unexpected characters after the object", text: lines[4]),
        ])
    }

    @Test func corruptRecordColumnCanBeRenamedOmittedOrDeclared() throws {
        let renamed = JSONLinesReader(schema: schema.setting(Field("bad", .string)), options: ReaderOptions(corruptRecordColumn: "bad"))
        #expect(renamed.outputSchema.names == ["id", "name", "bad"])
        #expect(try renamed.read(text: text).batch.columns[2].nullCount == 2)

        let omitted = JSONLinesReader(schema: schema, options: ReaderOptions(corruptRecordColumn: nil))
        #expect(omitted.outputSchema == schema)
        let r = try omitted.read(text: text)
        #expect(r.batch.rowCount == 6)
        #expect(r.badRecords.count == 4)

        let declared = Schema([Field("_corrupt_record", .string), Field("id", .int64)])
        let d = try JSONLinesReader(schema: declared).read(text: "{\"id\": 1, \"_corrupt_record\": \"x\"}\n{\"id\": 2.5}")
        #expect(d.batch.schema == declared)
        #expect(d.batch.rows == [[nil, 1], ["{\"id\": 2.5}", nil]])

        let dropping = JSONLinesReader(schema: schema, options: ReaderOptions(mode: .dropMalformed))
        #expect(dropping.outputSchema == schema)
    }

    @Test func dropMalformedDropsRowsButReportsThem() throws {
        let r = try JSONLinesReader(schema: schema, options: ReaderOptions(mode: .dropMalformed)).read(text: text)
        #expect(r.batch.rows == [[1, "ok"], [6, "fine"]])
        #expect(r.badRecords.map(\.line) == [2, 3, 4, 5])
    }

    @Test func failFastThrowsNamingFileLineAndReason() throws {
        let reader = JSONLinesReader(schema: schema, options: ReaderOptions(mode: .failFast))
        let error = #expect(throws: ReadError.self) { try reader.read(text: text, path: "logs/a.jsonl") }
        #expect(error == ReadError(path: "logs/a.jsonl", line: 2, reason: "invalid JSON at byte 19: unterminated string"))
        #expect(error?.description == "logs/a.jsonl:2: invalid JSON at byte 19: unterminated string")
    }

    @Test func invalidUTF8MakesTheLineMalformed() throws {
        var bytes = Array(#"{"id": 1, "name": "ok"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": 2, "name": "bad "#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": 3, "skipped": ""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": 4}"#.utf8) + [0xFF]
        let r = try JSONLinesReader(schema: schema.setting(Field("_corrupt_record", .string))).read(bytes: bytes)
        #expect(r.batch.columns[0].int64Values[0] == 1)
        #expect(r.batch.columns[0].nullCount == 3)
        #expect(r.badRecords.map(\.line) == [2, 3, 4])
        #expect(r.badRecords[0].reason == "invalid UTF-8 at byte 24")
        #expect(r.badRecords[0].text == "{\"id\": 2, \"name\": \"bad \u{FFFD}(\"}")
        #expect(r.batch.columns[2][1] == .string("{\"id\": 2, \"name\": \"bad \u{FFFD}(\"}"))
    }

    @Test func syntaxErrorsAreMalformed() throws {
        let cases = [
            "{", "{\"id\" 1}", "{\"id\": }", "{\"id\": 1,}", "{id: 1}", "{\"id\": 01}", "{\"id\": -}", "{\"id\": 1.}",
            "{\"id\": tru}", "{\"id\": nul}", "{\"name\": \"a\\x\"}", "{\"name\": \"\\ud800\"}", "{\"name\": \"\\udc00\"}",
            "{\"name\": \"\\u12\"}", "{\"name\": \"a\tb\"}", "{\"x\": [1 2]}", "{\"x\": [1,]}", "{\"x\": {\"a\" 1}}",
            "{} {}", "\"s\"", "42", "{\"id\": 1}}",
            String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600),
            "{\"x\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
        ]
        let reader = JSONLinesReader(schema: schema, options: ReaderOptions(mode: .dropMalformed))
        let r = try reader.read(text: cases.joined(separator: "\n"))
        #expect(r.batch.rowCount == 0)
        #expect(r.badRecords.map(\.line) == Array(1...cases.count))
        #expect(r.badRecords.last?.reason.contains("nesting deeper than 512") == true)
        let fine = String(repeating: "{\"a\":", count: 500) + "1" + String(repeating: "}", count: 500)
        #expect(try reader.read(text: fine).badRecords.isEmpty)
    }

    @Test func overlongLinesAreReportedTruncatedAndNeverKept() throws {
        let long = #"{"id": 7, "name": ""# + String(repeating: "é", count: 1000) + #""}"#
        let text = "{\"id\": 1}\n\(long)\n{\"id\": 3}\n"
        for mode in [MalformedMode.permissive, .dropMalformed] {
            let r = try JSONLinesReader(schema: schema, options: ReaderOptions(mode: mode, maxLineBytes: 100, chunkBytes: 64)).read(text: text)
            #expect(r.batch.columns[0].int64Values == [1, 3])
            #expect(r.badRecords.count == 1)
            let bad = r.badRecords[0]
            #expect(bad.line == 2)
            #expect(bad.reason == "line exceeds 100 bytes")
            #expect(bad.text.utf8.count <= 1024 && bad.text.utf8.count >= 1022)
            #expect(long.hasPrefix(bad.text))
        }
        let failing = JSONLinesReader(schema: schema, options: ReaderOptions(mode: .failFast, maxLineBytes: 100))
        let error = #expect(throws: ReadError.self) { try failing.read(text: text, path: "big.jsonl") }
        #expect(error?.description == "big.jsonl:2: line exceeds 100 bytes")
    }
}
