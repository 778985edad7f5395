import Testing
@testable import Formats

@Suite struct LineReaderTests {
    /// Feeds `text` in pieces of `size` bytes and collects the events.
    private func split(_ text: String, pieces size: Int, max: Int = 1 << 20, quote: UInt8? = nil) -> [String] {
        var splitter = LineSplitter(maxLineBytes: max, quote: quote)
        var out: [String] = []
        let body: (LineEvent) -> Void = { event in
            switch event {
            case .line(let b, let n): out.append("\(n):" + String(decoding: b, as: UTF8.self))
            case .overlong(let p, let n): out.append("\(n)!" + String(decoding: p, as: UTF8.self))
            }
        }
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let j = min(i + size, bytes.count)
            bytes[i..<j].withUnsafeBufferPointer { splitter.feed($0, body) }
            i = j
        }
        splitter.finish(body)
        return out
    }

    @Test func linesSpanningChunksAndCRLF() {
        let text = "alpha\r\nbeta\n\ngamma delta\r\nlast"
        let expected = ["1:alpha", "2:beta", "3:", "4:gamma delta", "5:last"]
        for size in 1...text.utf8.count {
            #expect(split(text, pieces: size) == expected, "chunk size \(size)")
        }
    }

    @Test func trailingNewlineDoesNotAddALine() {
        #expect(split("a\nb\n", pieces: 3) == ["1:a", "2:b"])
        #expect(split("", pieces: 3) == [])
        #expect(split("\n", pieces: 1) == ["1:"])
        let r = collectLines(LineReader(), bytes: Array("a\nb\n".utf8))
        #expect(r.stats == LineStats(lines: 2, bytes: 4))
    }

    @Test func overlongLinesAreSkippedWithoutBufferingWhole() {
        let long = String(repeating: "x", count: 50)
        let text = "ok\n\(long)\nfine\n\(long)"
        for size in [1, 4, 7, 64, 1000] {
            #expect(split(text, pieces: size, max: 10) == ["1:ok", "2!\(long)", "3:fine", "4!\(long)"], "chunk size \(size)")
        }
        // Exactly the limit is fine, with or without a CR.
        #expect(split("0123456789\r\n0123456789\n01234567890", pieces: 4, max: 10)
            == ["1:0123456789", "2:0123456789", "3!01234567890"])
    }

    @Test func overlongPrefixIsCappedAtOneKiB() {
        let long = String(repeating: "y", count: 5000)
        for size in [100, 3000, 10000] {
            let out = split(long + "\nz", pieces: size, max: 100)
            #expect(out == ["1!" + String(repeating: "y", count: 1024), "2:z"], "chunk size \(size)")
        }
    }

    @Test func quoteAwareSplittingKeepsNewlinesInsideQuotes() {
        let text = "h1,h2\n\"a\nb\",c\r\n\"x\"\"y\",\"\n\n\"\nlast,1"
        let expected = ["1:h1,h2", "2:\"a\nb\",c", "4:\"x\"\"y\",\"\n\n\"", "7:last,1"]
        for size in 1...text.utf8.count {
            #expect(split(text, pieces: size, quote: UInt8(ascii: "\"")) == expected, "chunk size \(size)")
        }
    }

    @Test func unlimitedLineLength() {
        #expect(split("abc\ndef", pieces: 2, max: .max) == ["1:abc", "2:def"])
    }

    @Test func byteOrderMarkIsDropped() {
        #expect(split("\u{FEFF}a\nb", pieces: 2) == ["1:a", "2:b"])
    }

    @Test func readsPlainAndCompressedFilesInChunks() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var text = ""
        for i in 1...20_000 { text += "line number \(i) " + String(repeating: "z", count: i % 97) + (i % 3 == 0 ? "\r\n" : "\n") }
        text += "tail"
        for name in ["plain.txt", "packed.txt.zst"] {
            let path = try dir.write(name, text)
            for chunk in [1000, 1 << 20] {
                var count = 0
                var bad = false
                let stats = try LineReader(chunkBytes: chunk).forEachLine(path: path) { event in
                    guard case .line(let b, let n) = event else { bad = true; return }
                    count += 1
                    let s = String(decoding: b, as: UTF8.self)
                    if n <= 20_000 {
                        if s != "line number \(n) " + String(repeating: "z", count: n % 97) { bad = true }
                    } else if s != "tail" { bad = true }
                }
                #expect(!bad)
                #expect(count == 20_001)
                #expect(stats == LineStats(lines: 20_001, bytes: Int64(text.utf8.count)))
            }
        }
    }
}
