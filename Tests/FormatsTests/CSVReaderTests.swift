import Columnar
import Testing
@testable import Formats

@Suite struct CSVReaderTests {
    private let schema = Schema([
        Field("id", .int64), Field("name", .string), Field("score", .double), Field("ok", .bool),
        Field("at", .timestamp), Field("day", .date),
    ])

    private func reader(_ schema: Schema, _ options: ReaderOptions = ReaderOptions(corruptRecordColumn: nil)) -> CSVReader {
        CSVReader(schema: schema, options: options)
    }

    @Test func readsTypedColumnsByHeaderName() throws {
        let text = """
            day,extra,ok,at,score,name,id
            2024-02-29,x,TRUE,2024-03-01T12:00:00.25+01:00,1.5,ada,1
            1970-01-01,y,false,1709294400000,-2e3,"grace, hopper",-2
            """
        let r = try reader(schema).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.rows == [
            [1, "ada", 1.5, true, ts(2024, 3, 1, 11, 0, 0, micros: 250_000), date(2024, 2, 29)],
            [-2, "grace, hopper", -2000.0, false, ts(2024, 3, 1, 12), date(1970, 1, 1)],
        ])
        #expect(r.lines == 3)
    }

    @Test func missingColumnsAreNullAndEmptyFieldsToo() throws {
        let text = "name,id\nada,\n,2\n\"\",3\n"
        let r = try reader(schema).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.rows == [
            [nil, "ada", nil, nil, nil, nil],
            [2, nil, nil, nil, nil, nil],
            [3, "", nil, nil, nil, nil],
        ])
    }

    @Test func quotingFollowsRFC4180() throws {
        let s = Schema([Field("a", .string), Field("b", .string), Field("n", .int64)])
        let text = "a,b,n\r\n\"say \"\"hi\"\"\",\"multi\r\nline\n\ntext\",1\r\n\"\",\"x,y\",\"2\"\r\n"
        let r = try reader(s, ReaderOptions(mode: .failFast)).read(text: text)
        #expect(r.batch.rows == [["say \"hi\"", "multi\r\nline\n\ntext", 1], ["", "x,y", 2]])
        #expect(r.lines == 6)
    }

    @Test func otherDelimiters() throws {
        let s = Schema([Field("a", .string), Field("b", .int64)])
        let tab = try reader(s, ReaderOptions(corruptRecordColumn: nil, delimiter: "\t")).read(text: "a\tb\nx,y\t1\n")
        #expect(tab.batch.rows == [["x,y", 1]])
        let semi = try reader(s, ReaderOptions(corruptRecordColumn: nil, delimiter: ";", quote: "'")).read(text: "b;a\n2;'p;q'''\n")
        #expect(semi.batch.rows == [["p;q'", 2]])
    }

    @Test func malformedRecordsFollowTheMode() throws {
        let s = Schema([Field("id", .int64), Field("name", .string)])
        let text = "id,name\n1,a\n2\nthree,c\n4,d,extra\n\"5,e\n"
        let withCorrupt = s.setting(Field("_corrupt_record", .string))
        let permissive = try CSVReader(schema: withCorrupt).read(text: text, path: "f.csv")
        #expect(permissive.batch.schema == withCorrupt)
        #expect(permissive.batch.rows == [
            [1, "a", nil], [2, nil, "2"], [nil, "c", "three,c"], [4, "d", "4,d,extra"], [nil, nil, "\"5,e\n"],
        ])
        #expect(permissive.badRecords == [
            BadRecord(path: "f.csv", line: 3, reason: "expected 2 columns, found 1", text: "2"),
            BadRecord(path: "f.csv", line: 4, reason: #"column 'id': cannot parse "three" as int64"#, text: "three,c"),
            BadRecord(path: "f.csv", line: 5, reason: "expected 2 columns, found 3", text: "4,d,extra"),
            BadRecord(path: "f.csv", line: 6, reason: "unterminated quoted field at byte 1", text: "\"5,e\n"),
        ])

        let dropped = try reader(s, ReaderOptions(mode: .dropMalformed)).read(text: text)
        #expect(dropped.batch.rows == [[1, "a"]])
        #expect(dropped.badRecords.map(\.line) == [3, 4, 5, 6])

        let error = #expect(throws: ReadError.self) { try reader(s, ReaderOptions(mode: .failFast)).read(text: text, path: "f.csv") }
        #expect(error?.description == "f.csv:3: expected 2 columns, found 1")
    }

    @Test func badValuesOfEveryType() throws {
        let text = "id,score,ok,at,day,name\nx,,,,,\n,1.2.3,,,,\n,,yes,,,\n,,,yesterday,,\n,,,,2024-13-01,\n,,,,,\"a\"b\n"
        let r = try reader(schema, ReaderOptions(mode: .dropMalformed)).read(text: text)
        #expect(r.batch.rowCount == 0)
        #expect(r.badRecords.map(\.reason) == [
            #"column 'id': cannot parse "x" as int64"#, #"column 'score': cannot parse "1.2.3" as double"#,
            #"column 'ok': cannot parse "yes" as bool"#, #"column 'at': cannot parse "yesterday" as timestamp"#,
            #"column 'day': cannot parse "2024-13-01" as date"#, "unexpected character after a closing quote at byte 9",
        ])
    }

    @Test func invalidUTF8InAStringColumnIsMalformed() throws {
        let s = Schema([Field("a", .string)])
        let r = try reader(s, ReaderOptions(mode: .dropMalformed)).read(bytes: Array("a\nok\n".utf8) + [0x80, 0x0A])
        #expect(r.batch.rows == [["ok"]])
        #expect(r.badRecords.map(\.reason) == ["column 'a': invalid UTF-8"])
    }

    @Test func headerOnlyAndEmptyInputs() throws {
        #expect(try reader(schema).read(text: "").batch.rowCount == 0)
        let r = try reader(schema).read(text: "id,name\n")
        #expect(r.batch.rowCount == 0)
        #expect(r.batch.schema == schema)
        #expect(throws: ReadError.self) { try reader(schema).read(text: "\"id,name\n1,2\n") }
    }

    @Test func overlongRecordsAreSkipped() throws {
        let s = Schema([Field("a", .string)])
        let big = "\"" + String(repeating: "q\n", count: 100) + "\""
        let r = try reader(s, ReaderOptions(corruptRecordColumn: nil, maxLineBytes: 50, chunkBytes: 16)).read(text: "a\n\(big)\nend\n")
        #expect(r.batch.rows == [["end"]])
        #expect(r.badRecords.map(\.line) == [2])
        #expect(r.badRecords[0].reason == "line exceeds 50 bytes")
        #expect(r.lines == 103)
    }

    @Test func readsCompressedFiles() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var text = "id,name\n"
        for i in 1...5000 { text += "\(i),\"name \(i)\nsecond line\"\n" }
        let path = try dir.write("t.csv.zst", text)
        let r = try reader(Schema([Field("id", .int64), Field("name", .string)]), ReaderOptions(chunkBytes: 999)).read(path: path)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.columns[0].int64Values == Array(1...5000))
        #expect(r.batch.columns[1][4999] == .string("name 5000\nsecond line"))
        #expect(r.lines == 10_001)
    }
}
