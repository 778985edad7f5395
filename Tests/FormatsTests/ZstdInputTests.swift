import Columnar
import Testing
@testable import Formats

@Suite struct ZstdInputTests {
    private let schema = Schema([Field("n", .int64), Field("s", .string)])

    private func lines(_ range: ClosedRange<Int>) -> String {
        range.map { #"{"n": \#($0), "s": "row \#($0) \#(String(repeating: "pad", count: $0 % 50))"}"# }.joined(separator: "\n") + "\n"
    }

    @Test func readsPlainAndSingleFrameFiles() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let text = lines(1...100)
        let reader = JSONLinesReader(schema: schema)
        let plain = try reader.read(path: try dir.write("a.jsonl", text))
        let packed = try reader.read(path: try dir.write("a.jsonl.zst", text))
        #expect(plain.batch.rowCount == 100)
        #expect(packed.batch.rows == plain.batch.rows)
        #expect(packed.bytes == Int64(text.utf8.count))
        #expect(packed.lines == 100)
    }

    @Test func readsFilesLargerThanTheChunkSize() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let text = lines(1...30_000)  // about 3 MB, three default chunks
        #expect(text.utf8.count > 2 << 20)
        let path = try dir.write("big.jsonl.zst", text)
        for chunk in [4096, 1 << 20] {
            let r = try JSONLinesReader(schema: schema, options: ReaderOptions(chunkBytes: chunk)).read(path: path)
            #expect(r.badRecords.isEmpty)
            #expect(r.batch.columns[0].int64Values == Array(1...30_000))
            #expect(r.batch.columns[1][29_999] == .string("row 30000 " + String(repeating: "pad", count: 0)))
        }
    }

    @Test func readsConcatenatedFrames() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let frames = try Zstd.compress(Array(lines(1...10).utf8)) + Zstd.compress(Array(lines(11...20).utf8))
        let path = dir.file("two.jsonl.zst")
        try DurableFile.writeAtomically(path, frames)
        let r = try JSONLinesReader(schema: schema).read(path: path)
        #expect(r.batch.columns[0].int64Values == Array(1...20))
    }

    @Test func truncatedZstdThrowsNamingTheFile() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let whole = try Zstd.compress(Array(lines(1...2000).utf8))
        let path = dir.file("cut.jsonl.zst")
        try DurableFile.writeAtomically(path, Array(whole.prefix(whole.count - 10)))
        let reader = JSONLinesReader(schema: schema, options: ReaderOptions(chunkBytes: 1000))
        let error = #expect(throws: ReadError.self) { try reader.read(path: path) }
        #expect(error?.path == path)
        #expect(error?.description.hasPrefix("\(path): truncated zstd data") == true)

        try DurableFile.writeAtomically(path, [])
        #expect(throws: ReadError.self) { try reader.read(path: path) }
    }

    @Test func corruptZstdThrowsNamingTheFile() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var bytes = try Zstd.compress(Array(lines(1...2000).utf8))
        for i in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[i] ^= 0x5A }
        let path = dir.file("bad.jsonl.zst")
        try DurableFile.writeAtomically(path, bytes)
        let error = #expect(throws: ReadError.self) { try JSONLinesReader(schema: schema).read(path: path) }
        #expect(error?.description.hasPrefix("\(path): corrupt zstd data") == true)

        let notZstd = dir.file("plain-but-named.jsonl.zst")
        try DurableFile.writeAtomically(notZstd, Array("{\"n\": 1}\n".utf8))
        #expect(throws: ReadError.self) { try JSONLinesReader(schema: schema).read(path: notZstd) }
    }

    @Test func missingFileIsAnIOError() throws {
        let error = #expect(throws: IOError.self) { try JSONLinesReader(schema: schema).read(path: "/tmp/no-such-dir-\(UInt64.random(in: 0...UInt64.max))/x.jsonl") }
        #expect(error?.isNotFound == true)
    }
}
