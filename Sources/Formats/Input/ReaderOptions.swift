/// What a reader does with a record it cannot read, as Spark's `mode` option.
///
/// A line is malformed when it is not one well-formed record (JSON: not exactly one object in
/// valid UTF-8; CSV: an unterminated quote, or a column count other than the header's) or when a
/// value does not convert to its field's type.
public enum MalformedMode: String, Sendable, Codable {
    /// Keep the row, as Spark ≥ 3.4 does: a record that does not parse gives nulls in every
    /// field; a record that parses but has values of the wrong type gives nulls in those
    /// fields only, and the others keep their values. The raw text goes to the corrupt-record
    /// column when the schema declares one.
    case permissive
    /// Drop the row.
    case dropMalformed
    /// Stop and throw a `ReadError` naming the file, line and reason.
    case failFast
}

/// Options of the line-oriented readers (JSON lines, CSV).
public struct ReaderOptions: Sendable {
    /// Handling of malformed records. Every rejected record is also reported as a `BadRecord`.
    public var mode: MalformedMode
    /// Name of the column that receives the raw text of malformed rows in permissive mode (null
    /// in other rows); nil for none. As in Spark, the column exists only when the schema
    /// declares a string field of this name (never read from the data); a field of another type
    /// of that name is read as usual, with no such column.
    public var corruptRecordColumn: String?
    /// Longest line (for CSV: record) kept, in bytes without its terminator. A longer one is never
    /// buffered whole: it is skipped to its end and reported as a bad record, without a row.
    public var maxLineBytes: Int
    /// Size of the (decompressed) chunks a file is read in (capped at
    /// `ChunkedFile.readBufferBytes`, 256 KiB); bounds memory with `maxLineBytes`.
    public var chunkBytes: Int
    /// CSV field separator; must be ASCII.
    public var delimiter: Unicode.Scalar
    /// CSV quote character; must be ASCII.
    public var quote: Unicode.Scalar
    /// Rows the query is known to drop, for the reader to skip early (set by the planner).
    public var scanFilter: ScanFilter?

    public init(
        mode: MalformedMode = .permissive, corruptRecordColumn: String? = "_corrupt_record",
        maxLineBytes: Int = 64 << 20, chunkBytes: Int = 1 << 20,
        delimiter: Unicode.Scalar = ",", quote: Unicode.Scalar = "\""
    ) {
        self.mode = mode
        self.corruptRecordColumn = corruptRecordColumn
        self.maxLineBytes = maxLineBytes
        self.chunkBytes = chunkBytes
        self.delimiter = delimiter
        self.quote = quote
    }
}
