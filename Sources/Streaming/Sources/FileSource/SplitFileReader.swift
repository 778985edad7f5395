import Columnar
import Formats

/// Parses one plain (uncompressed) file on several cores: the file is cut after newlines into
/// one byte range per core, and each range is streamed through the reader in small chunks (so
/// the parser reads bytes still in its core's cache), each giving a part of the batch. Line
/// numbers of rejected lines are shifted so they stay the file's own.
///
/// Only for readers whose records end at newlines; `.zst` files are read sequentially.
struct SplitFileReader: Sendable {
    let reader: any RecordFileReader
    /// Files at least this large are split (smaller ones are not worth the thread hand-off).
    var minBytes = 4 << 20

    func canSplit(_ file: ListedFile, path: String) -> Bool {
        ParallelMap.cores > 1 && reader.recordsEndAtNewlines && !path.hasSuffix(".zst") && file.size >= Int64(minBytes)
    }

    /// The file's pieces, in order, each read as a file of its own but with the file's line numbers.
    /// The file is cut by its size now, as a whole-file read would read it now.
    func read(path: String) throws -> [FileReadResult] {
        let size = try FileSystem.attributes(path).size
        let ranges = try Self.cut(size: size, into: ParallelMap.cores) { try Self.newline(in: path, from: $0) }
        let reader = self.reader
        let results = ParallelMap.run(ranges) { range in Result { try reader.read(path: path, byteRange: range) } }
        var parts: [FileReadResult] = []
        var linesBefore = 0
        for r in results {
            var part: FileReadResult
            do { part = try r.get() } catch let e as ReadError {
                throw ReadError(path: e.path, line: e.line.map { $0 + linesBefore }, reason: e.reason)
            }
            if !part.badRecords.isEmpty {
                let shift = linesBefore
                part.badRecords = part.badRecords.map { BadRecord(path: $0.path, line: $0.line + shift, reason: $0.reason, text: $0.text) }
            }
            // Every piece but the last ends just after a newline, so its line count is exact.
            linesBefore += part.lines
            parts.append(part)
        }
        return parts
    }

    /// Ranges of about equal size covering `0..<size`, each ending just after a newline (the
    /// last one at the end); `newline(at)` gives the offset of the first newline at or after
    /// `at`, or nil if there is none.
    static func cut(size: Int64, into n: Int, newline: (Int64) throws -> Int64?) rethrows -> [Range<Int64>] {
        var ranges: [Range<Int64>] = []
        var start: Int64 = 0
        for k in 1..<max(n, 1) {
            let target = max(start, size * Int64(k) / Int64(n))
            guard target < size, let at = try newline(target), at + 1 < size else { break }
            ranges.append(start..<(at + 1))
            start = at + 1
        }
        ranges.append(start..<size)
        return ranges.filter { !$0.isEmpty }
    }

    /// The offset of the first newline at or after `offset` in the file, read a little at a time.
    private static func newline(in path: String, from offset: Int64) throws -> Int64? {
        var at = offset
        while true {
            let window = try FileSystem.read(path, range: at..<(at + 64 << 10))
            if window.isEmpty { return nil }
            if let i = window.firstIndex(of: 10) { return at + Int64(i) }
            at += Int64(window.count)
        }
    }
}
