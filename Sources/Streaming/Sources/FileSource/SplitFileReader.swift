import Columnar
import Formats

/// Parses one plain (uncompressed) file on several cores: the bytes are cut at line boundaries
/// into one piece per core and the pieces are parsed in parallel, each into a part of the batch. Line numbers
/// of rejected lines are shifted so they stay the file's own.
///
/// Only for files small enough to hold in memory; larger files and `.zst` files are read
/// sequentially in bounded chunks by the reader itself.
struct SplitFileReader: Sendable {
    let reader: any RecordFileReader
    /// Files at least this large are split (smaller ones are not worth the thread hand-off).
    var minBytes = 4 << 20
    /// Files larger than this are never loaded whole.
    var maxBytes = 512 << 20

    func canSplit(_ file: ListedFile, path: String) -> Bool {
        ParallelMap.cores > 1 && !path.hasSuffix(".zst") && file.size >= Int64(minBytes) && file.size <= Int64(maxBytes)
    }

    /// The file's pieces, in order, each read as a file of its own but with the file's line numbers.
    func read(path: String) throws -> [FileReadResult] {
        try FileSystem.withMappedFile(path) { try read(bytes: SharedBytes($0), path: path) }
    }

    private func read(bytes: SharedBytes, path: String) throws -> [FileReadResult] {
        let pieces = Self.cut(bytes.bytes, into: ParallelMap.cores)
        let reader = self.reader
        let results = ParallelMap.run(Array(pieces.indices)) { i -> Result<FileReadResult, any Error> in
            Result { try reader.read(bytes: UnsafeRawBufferPointer(rebasing: bytes.bytes[pieces[i]]), path: path) }
        }
        // Line numbers are per piece; shift them back to the file's (counted only when needed).
        func linesBefore(_ i: Int) -> Int { pieces.prefix(i).reduce(0) { $0 + Self.countNewlines(bytes.bytes, $1) } }
        var parts: [FileReadResult] = []
        for (i, r) in results.enumerated() {
            var part: FileReadResult
            do { part = try r.get() } catch let e as ReadError {
                throw ReadError(path: e.path, line: e.line.map { $0 + linesBefore(i) }, reason: e.reason)
            }
            if !part.badRecords.isEmpty {
                let shift = linesBefore(i)
                part.badRecords = part.badRecords.map { BadRecord(path: $0.path, line: $0.line + shift, reason: $0.reason, text: $0.text) }
            }
            parts.append(part)
        }
        return parts
    }

    /// Ranges of about equal size, each ending just after a newline (the last one at the end).
    static func cut(_ bytes: UnsafeRawBufferPointer, into n: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for k in 1..<n {
            var at = max(start, bytes.count * k / n)
            while at < bytes.count && bytes[at] != 10 { at += 1 }
            guard at < bytes.count else { break }
            ranges.append(start..<(at + 1))
            start = at + 1
        }
        ranges.append(start..<bytes.count)
        return ranges.filter { !$0.isEmpty }
    }

    static func countNewlines(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        var n = 0
        for i in range where bytes[i] == 10 { n += 1 }
        return n
    }
}

/// The file's bytes, read by the parsing threads while the mapping lives.
private struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
}
