import Columnar
import Testing
@testable import Formats

@Suite struct BadRecordsWriterTests {
    private let records = [
        BadRecord(path: "in/a.jsonl", line: 3, reason: "not a JSON object", text: "[1, 2]"),
        BadRecord(path: "in/\"q\".jsonl", line: 10, reason: "x", text: "tab\there \"quoted\" back\\slash\nnew\u{1}é😀"),
    ]

    @Test func encodesOneEscapedObjectPerLine() {
        let text = String(decoding: BadRecordsWriter.encode(records), as: UTF8.self)
        #expect(text == #"""
            {"path":"in/a.jsonl","line":3,"reason":"not a JSON object","record":"[1, 2]"}
            {"path":"in/\"q\".jsonl","line":10,"reason":"x","record":"tab\there \"quoted\" back\\slash\nnew\u0001é😀"}

            """#)
    }

    @Test func writesAtomicallyIntoACreatedDirectoryAndReadsBack() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = FilePaths.join(dir.path, "bad", "batch=7", "a.jsonl.json")
        try BadRecordsWriter.write(records, to: path)
        #expect(try FileSystem.list(FilePaths.parent(path)) == ["a.jsonl.json"])
        let schema = Schema([Field("path", .string), Field("line", .int64), Field("reason", .string), Field("record", .string)])
        let back = try JSONLinesReader(schema: schema, options: ReaderOptions(mode: .failFast)).read(path: path)
        #expect(back.batch.rows == records.map { [.string($0.path), .int64(Int64($0.line)), .string($0.reason), .string($0.text)] })
    }
}
