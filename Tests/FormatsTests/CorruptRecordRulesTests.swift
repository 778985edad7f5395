import Columnar
import Testing
@testable import Formats

/// What a malformed line yields, as README "Bad input" states it: the corrupt-record column only
/// when declared; a line that does not parse gives nulls in every field; a line that parses but
/// has values of the wrong type keeps the values that converted (Spark ≥ 3.4 permissive mode).
@Suite struct CorruptRecordRulesTests {
    private let schema = Schema([Field("id", .int64), Field("name", .string), Field("score", .double)])
    private let lines = [
        #"{"id": 1, "name": "ok", "score": 0.5}"#,
        #"{"id": "two", "name": "kept", "score": 2.5}"#,  // type mismatch in id only
        #"{"id": 3, "name": "lost", "score": 3.5"#,  // syntax error (no closing brace)
        #"{"id": 4, "name": "also kept", "score": "high"}"#,  // type mismatch in score only
    ]
    private var text: String { lines.joined(separator: "\n") }

    private func read(_ schema: Schema, fastPaths: Bool, options: ReaderOptions = ReaderOptions()) throws -> FileReadResult {
        var reader = JSONLinesReader(schema: schema, options: options)
        reader.usesFastPaths = fastPaths
        return try reader.read(text: text, path: "p.jsonl")
    }

    @Test(arguments: [true, false])
    func undeclaredCorruptColumnIsNotAddedButRowsAreKept(fastPaths: Bool) throws {
        let r = try read(schema, fastPaths: fastPaths)
        #expect(r.batch.schema == schema)
        #expect(r.batch.rows == [[1, "ok", 0.5], [nil, "kept", 2.5], [nil, nil, nil], [4, "also kept", nil]])
        #expect(r.badRecords.map(\.line) == [2, 3, 4])
    }

    @Test(arguments: [true, false])
    func typeMismatchKeepsTheOtherFieldsAndSyntaxErrorNullsThemAll(fastPaths: Bool) throws {
        let declared = schema.setting(Field("_corrupt_record", .string))
        let r = try read(declared, fastPaths: fastPaths)
        #expect(r.batch.schema == declared)
        #expect(r.batch.rows == [
            [1, "ok", 0.5, nil],
            [nil, "kept", 2.5, .string(lines[1])],
            [nil, nil, nil, .string(lines[2])],
            [4, "also kept", nil, .string(lines[3])],
        ])
    }

    @Test func aRenamedCorruptColumnMustBeDeclaredToo() throws {
        let options = ReaderOptions(corruptRecordColumn: "raw")
        #expect(JSONLinesReader(schema: schema, options: options).outputSchema == schema)
        let declared = Schema([Field("raw", .string)] + schema.fields)
        let r = try read(declared, fastPaths: true, options: options)
        #expect(r.batch.rows.map { $0[0] } == [nil, .string(lines[1]), .string(lines[2]), .string(lines[3])])
        // The default name is then an ordinary field, read from the data.
        let other = try JSONLinesReader(schema: Schema([Field("_corrupt_record", .string)]), options: options)
            .read(text: #"{"_corrupt_record": "data"}"#)
        #expect(other.batch.rows == [["data"]])
    }

    @Test func csvFollowsTheSameRules() throws {
        let s = Schema([Field("id", .int64), Field("name", .string), Field("score", .double)])
        let csv = "id,name,score\n1,ok,0.5\ntwo,kept,2.5\n3,short\n\"4,open\n"
        let undeclared = try CSVReader(schema: s).read(text: csv)
        #expect(undeclared.batch.schema == s)
        let declared = try CSVReader(schema: s.setting(Field("_corrupt_record", .string))).read(text: csv)
        #expect(declared.batch.rows == [
            [1, "ok", 0.5, nil],
            [nil, "kept", 2.5, "two,kept,2.5"],  // a value of the wrong type: the others stay
            [3, "short", nil, "3,short"],  // too few columns: those present stay
            [nil, nil, nil, "\"4,open\n"],  // unterminated quote: not a record, all null
        ])
        #expect(undeclared.batch.rows == declared.batch.rows.map { Array($0.dropLast()) })
    }
}
