#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One unit of input delivered by `LineSplitter` and `LineReader`. Its bytes are only valid
/// during the callback that receives it.
public enum LineEvent {
    /// A complete line without its terminator (`\n` or `\r\n`); `number` is 1-based.
    case line(UnsafeBufferPointer<UInt8>, number: Int)
    /// A line longer than the limit, which was skipped without being buffered whole;
    /// `prefix` holds its first bytes (at most `LineSplitter.overlongPrefixBytes`).
    case overlong(prefix: UnsafeBufferPointer<UInt8>, number: Int)
}

/// Receives the lines of a `LineSplitter` (see `LineSplitter.feed(_:into:)`), and may take
/// whole runs of them straight from the chunk, without the splitter finding each line end.
protocol LineConsumer {
    /// One line, as `LineSplitter.feed(_:_:)` delivers it.
    mutating func consume(_ event: LineEvent) throws

    /// Offered the rest of a chunk, `region`, at the start of line `number` (never line 1);
    /// consumes any number of complete lines at its start, each ending with a `\n` inside
    /// `region`, not counting it at most `maxLineBytes` long and not ending with `\r`: exactly
    /// the lines the splitter would deliver as `.line` events there. Returns the bytes taken
    /// (with the terminators) and the number of lines.
    mutating func consumeRun(_ region: UnsafeBufferPointer<UInt8>, number: Int) throws -> (bytes: Int, lines: Int)

    /// The bytes of the lines delivered so far are about to be reused: the consumer must be
    /// done with them. Called before each `feed(_:into:)` returns, after each line delivered
    /// from the splitter's own buffer, and after `finish` delivers the last line.
    mutating func release() throws
}

/// Splits a stream of byte chunks into lines, carrying a partial line over to the next chunk.
///
/// Lines inside a chunk are handed out without copying. In quote-aware mode (for CSV) a newline
/// between quotes does not end the record; the record is numbered by the line it starts on.
/// A UTF-8 byte order mark at the start of the first line is dropped.
public struct LineSplitter {
    /// How much of an overlong line is kept for the bad-record report (cut at a UTF-8 scalar boundary).
    public static let overlongPrefixBytes = 1024
    /// Bytes collected before cutting: enough to see where the scalar at the limit ends.
    private static let prefixCollectBytes = overlongPrefixBytes + 3

    public let maxLineBytes: Int
    private let quote: UInt8
    private let quoteAware: Bool
    private var carry: [UInt8] = []
    private var skipping = false
    private var prefix: [UInt8] = []
    private var inQuotes = false
    private var recordStart = 1
    private var newlinesInRecord = 0
    /// Lines completed so far (after `finish`, the number of lines in the input).
    public private(set) var lineCount = 0
    /// Bytes fed so far.
    public private(set) var byteCount: Int64 = 0
    /// Whether a UTF-8 byte order mark starting line 1 is dropped: only where line 1 is the
    /// file's first line, not when a byte range in the middle of a file is read.
    public var stripsByteOrderMark = true

    /// - Parameter quote: when set, newlines between two of these bytes do not end a record.
    public init(maxLineBytes: Int = 64 << 20, quote: UInt8? = nil) {
        precondition(maxLineBytes >= 0, "maxLineBytes must not be negative")
        self.maxLineBytes = maxLineBytes
        self.quote = quote ?? 0
        self.quoteAware = quote != nil
    }

    /// Delivers every line completed by `chunk`; the unfinished tail waits for the next chunk.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (LineEvent) throws -> Void) rethrows {
        byteCount += Int64(chunk.count)
        guard let base = chunk.baseAddress else { return }
        let n = chunk.count
        var pos = 0
        while pos < n {
            guard let end = findTerminator(base, from: pos, to: n) else {
                absorb(UnsafeBufferPointer(start: base + pos, count: n - pos))
                return
            }
            try completeRecord(UnsafeBufferPointer(start: base + pos, count: end - pos), body)
            pos = end + 1
        }
    }

    /// `feed(_:_:)` for a consumer that can take runs of lines in place: where no partial
    /// line is pending, the rest of the chunk is offered to `consumer.consumeRun` first.
    mutating func feed<C: LineConsumer>(_ chunk: UnsafeBufferPointer<UInt8>, into consumer: inout C) throws {
        byteCount += Int64(chunk.count)
        guard let base = chunk.baseAddress else { return }
        let n = chunk.count
        var pos = 0
        while pos < n {
            if carry.isEmpty, !skipping, !quoteAware, lineCount > 0 {
                let run = try consumer.consumeRun(UnsafeBufferPointer(start: base + pos, count: n - pos), number: lineCount + 1)
                if run.lines > 0 {
                    precondition(run.bytes > 0 && run.bytes <= n - pos, "a run is whole lines of the region")
                    pos += run.bytes
                    lineCount += run.lines
                    recordStart = lineCount + 1
                    if pos == n { break }
                }
            }
            guard let end = findTerminator(base, from: pos, to: n) else {
                absorb(UnsafeBufferPointer(start: base + pos, count: n - pos))
                break
            }
            if carry.isEmpty && !skipping {
                try completeRecord(UnsafeBufferPointer(start: base + pos, count: end - pos)) { try consumer.consume($0) }
            } else {
                // The line is (partly) in `carry`, which is emptied right after it is delivered.
                try completeRecord(UnsafeBufferPointer(start: base + pos, count: end - pos)) {
                    try consumer.consume($0)
                    try consumer.release()
                }
            }
            pos = end + 1
        }
        try consumer.release()
    }

    /// Delivers the last line if the input did not end with a newline.
    public mutating func finish(_ body: (LineEvent) throws -> Void) rethrows {
        if skipping || !carry.isEmpty {
            try completeRecord(UnsafeBufferPointer(start: nil, count: 0), body)
        }
    }

    /// Index of the next byte that ends a record in `base[from..<to]`, updating the quote state.
    @inline(__always)
    private mutating func findTerminator(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        var scan = from
        while scan < to {
            let hit = memchr(base + scan, 0x0A, to - scan)
            let nl = hit.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? to
            if quoteAware && Self.countQuotes(base + scan, nl - scan, quote) & 1 == 1 { inQuotes.toggle() }
            if nl == to { return nil }
            if !inQuotes { return nl }
            newlinesInRecord += 1
            scan = nl + 1
        }
        return nil
    }

    private static func countQuotes(_ p: UnsafePointer<UInt8>, _ n: Int, _ quote: UInt8) -> Int {
        var c = 0
        for i in 0..<n { c &+= p[i] == quote ? 1 : 0 }
        return c
    }

    /// Keeps an unterminated tail, switching to skipping once the record is certainly too long.
    private mutating func absorb(_ rest: UnsafeBufferPointer<UInt8>) {
        if skipping {
            appendPrefix(rest)
        } else if carry.count + rest.count - 1 > maxLineBytes {  // -1: a `\r` may still be stripped
            skipping = true
            carry.withUnsafeBufferPointer { appendPrefix($0) }
            appendPrefix(rest)
            releaseCarry()
        } else {
            carry.append(contentsOf: rest)
        }
    }

    private mutating func appendPrefix(_ bytes: UnsafeBufferPointer<UInt8>) {
        let room = Self.prefixCollectBytes - prefix.count
        if room > 0 { prefix.append(contentsOf: bytes.prefix(room)) }
    }

    /// Ends the current record with `tail`, its bytes in the current chunk before the terminator.
    private mutating func completeRecord(_ tail: UnsafeBufferPointer<UInt8>, _ body: (LineEvent) throws -> Void) rethrows {
        let number = recordStart
        lineCount += 1 + newlinesInRecord
        recordStart = lineCount + 1
        newlinesInRecord = 0
        inQuotes = false
        if skipping {
            skipping = false
            appendPrefix(tail)
            defer { prefix.removeAll(keepingCapacity: true) }
            try prefix.withUnsafeBufferPointer { try deliverOverlong($0, number, body) }
        } else if carry.isEmpty {
            try emit(tail, number, body)
        } else if carry.count + tail.count - 1 > maxLineBytes {
            defer { releaseCarry() }
            var p = Array(carry.prefix(Self.prefixCollectBytes))
            p.append(contentsOf: tail.prefix(Self.prefixCollectBytes - p.count))
            try p.withUnsafeBufferPointer { try deliverOverlong($0, number, body) }
        } else {
            defer { releaseCarry() }
            carry.append(contentsOf: tail)
            try carry.withUnsafeBufferPointer { try emit($0, number, body) }
        }
    }

    @inline(__always)
    private func emit(_ raw: UnsafeBufferPointer<UInt8>, _ number: Int, _ body: (LineEvent) throws -> Void) rethrows {
        var line = raw
        if let last = line.last, last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if line.count > maxLineBytes {
            try deliverOverlong(UnsafeBufferPointer(rebasing: line.prefix(Self.prefixCollectBytes)), number, body)
            return
        }
        if number == 1, stripsByteOrderMark, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeBufferPointer(rebasing: line.dropFirst(3))
        }
        try body(.line(line, number: number))
    }

    private func deliverOverlong(_ head: UnsafeBufferPointer<UInt8>, _ number: Int, _ body: (LineEvent) throws -> Void) rethrows {
        try body(.overlong(prefix: UTF8Validation.prefix(head, limit: Self.overlongPrefixBytes), number: number))
    }

    /// Empties the carry buffer, giving back memory a very long line made it grow to.
    private mutating func releaseCarry() {
        if carry.capacity > 1 << 22 { carry = [] } else { carry.removeAll(keepingCapacity: true) }
    }
}
