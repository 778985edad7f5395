import Columnar

/// What a reader produced from one file.
public struct FileReadResult: Sendable {
    /// The rows, in file order, with the reader's `outputSchema`.
    public var batch: RecordBatch
    /// Rejected records, in file order, whatever the mode (empty in failFast mode, which throws).
    public var badRecords: [BadRecord]
    /// Number of lines in the input (the number of its last line).
    public var lines: Int
    /// Bytes of text read, after decompression.
    public var bytes: Int64
    /// Rows read but left out of `batch` by the reader's `ScanFilter`.
    public var filteredRows = 0
    /// Rows read: those in `batch` and those the scan filter dropped.
    public var rowsRead: Int { batch.rowCount + filteredRows }

    public init(batch: RecordBatch, badRecords: [BadRecord], lines: Int, bytes: Int64) {
        self.batch = batch
        self.badRecords = badRecords
        self.lines = lines
        self.bytes = bytes
    }
}

/// Reads whole files of one format into a record batch.
public protocol RecordFileReader: Sendable {
    /// The schema of every batch this reader returns.
    var outputSchema: Schema { get }
    /// Reads the file at `path`; a `.zst` suffix means zstd-compressed.
    func read(path: String) throws -> FileReadResult
    /// Reads text already in memory; `path` only names it in errors and bad records.
    func read(bytes: UnsafeRawBufferPointer, path: String) throws -> FileReadResult
    /// Whether every newline ends a record, so a plain file can be cut after any newline and
    /// its pieces read on their own with `read(path:byteRange:)` (not so for CSV, whose quoted
    /// fields may hold newlines).
    var recordsEndAtNewlines: Bool { get }
    /// Reads the bytes `byteRange` of the plain file at `path` as if they were the whole file
    /// (line numbers count from the range's start).
    func read(path: String, byteRange: Range<Int64>) throws -> FileReadResult
}

extension RecordFileReader {
    public var recordsEndAtNewlines: Bool { false }

    public func read(path: String, byteRange: Range<Int64>) throws -> FileReadResult {
        let bytes = try FileSystem.read(path, range: byteRange)
        return try bytes.withUnsafeBytes { try read(bytes: $0, path: path) }
    }
}
