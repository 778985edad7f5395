/// Counts describing the text a `LineReader` went through.
public struct LineStats: Sendable, Equatable {
    /// Number of lines (the number of the last line).
    public var lines: Int
    /// Bytes of text, after decompression.
    public var bytes: Int64
}

/// Reads a plain or zstd-compressed (`.zst`) text file as lines, holding at most one chunk of
/// input plus one partial line in memory.
public struct LineReader: Sendable {
    public var maxLineBytes: Int
    public var chunkBytes: Int
    /// When set, newlines between quotes do not end a record (CSV).
    public var quote: UInt8?

    public init(maxLineBytes: Int = 64 << 20, chunkBytes: Int = 1 << 20, quote: UInt8? = nil) {
        self.maxLineBytes = maxLineBytes
        self.chunkBytes = chunkBytes
        self.quote = quote
    }

    /// Calls `body` for each line of the file at `path`. Throws `ReadError` for truncated or
    /// corrupt zstd data (after the lines before it were delivered), `IOError` if unreadable.
    @discardableResult
    public func forEachLine(path: String, _ body: (LineEvent) throws -> Void) throws -> LineStats {
        var splitter = LineSplitter(maxLineBytes: maxLineBytes, quote: quote)
        try ChunkedFile.forEachChunk(path: path, chunkBytes: chunkBytes) { try splitter.feed($0, body) }
        try splitter.finish(body)
        return LineStats(lines: splitter.lineCount, bytes: splitter.byteCount)
    }

    /// `forEachLine(path:_:)` for a consumer that can take runs of lines in place; with
    /// `range`, only those bytes of a plain file, as if they were the whole file.
    @discardableResult
    func forEachLine<C: LineConsumer>(path: String, range: Range<Int64>? = nil, into consumer: inout C) throws -> LineStats {
        var splitter = LineSplitter(maxLineBytes: maxLineBytes, quote: quote)
        splitter.stripsByteOrderMark = (range?.lowerBound ?? 0) == 0
        try ChunkedFile.forEachChunk(path: path, chunkBytes: chunkBytes, range: range) { try splitter.feed($0, into: &consumer) }
        try splitter.finish {
            try consumer.consume($0)
            try consumer.release()
        }
        return LineStats(lines: splitter.lineCount, bytes: splitter.byteCount)
    }

    /// `forEachLine(bytes:_:)` for a consumer that can take runs of lines in place.
    @discardableResult
    func forEachLine<C: LineConsumer>(bytes: UnsafeRawBufferPointer, into consumer: inout C) throws -> LineStats {
        var splitter = LineSplitter(maxLineBytes: maxLineBytes, quote: quote)
        try splitter.feed(bytes.assumingMemoryBound(to: UInt8.self), into: &consumer)
        try splitter.finish {
            try consumer.consume($0)
            try consumer.release()
        }
        return LineStats(lines: splitter.lineCount, bytes: splitter.byteCount)
    }

    /// Calls `body` for each line of text already in memory.
    @discardableResult
    public func forEachLine(bytes: UnsafeRawBufferPointer, _ body: (LineEvent) throws -> Void) rethrows -> LineStats {
        var splitter = LineSplitter(maxLineBytes: maxLineBytes, quote: quote)
        try splitter.feed(bytes.assumingMemoryBound(to: UInt8.self), body)
        try splitter.finish(body)
        return LineStats(lines: splitter.lineCount, bytes: splitter.byteCount)
    }
}
