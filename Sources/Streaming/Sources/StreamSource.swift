import Columnar

/// A source's position, as JSON text (so each source defines its own shape, e.g. `{"logOffset":3}`).
public struct SourceOffset: Sendable, Hashable, Codable, CustomStringConvertible {
    public let json: String
    public init(json: String) { self.json = json }
    public var description: String { json }
}

/// How much a source may hand out in one batch.
public enum ReadLimit: Sendable, Equatable {
    case all
    case maxFiles(Int)
    case maxBytes(Int64)
    case maxFilesAndBytes(Int, Int64)
}

/// Data read for one batch, plus what progress reports about it.
public struct SourceBatch: Sendable {
    /// The rows, in order, in one or more parts (e.g. one per file or file piece), which the
    /// engine may process in parallel before joining them.
    public var parts: [RecordBatch]
    /// The schema of every part.
    public var schema: Schema
    /// Input rows dropped or sent to the bad-records directory because they were malformed.
    public var malformedRows: Int
    /// Rows read from the source: the parts' and those a pushed-down filter dropped while reading.
    public var numInputRows: Int
    /// Source-specific figures for progress (`SourceProgress.metrics`), e.g. the file source's
    /// `numChangedFiles`.
    public var metrics: [String: String]

    public init(parts: [RecordBatch], schema: Schema, malformedRows: Int, numInputRows: Int? = nil, metrics: [String: String] = [:]) {
        self.parts = parts
        self.schema = schema
        self.malformedRows = malformedRows
        self.numInputRows = numInputRows ?? parts.reduce(0) { $0 + $1.rowCount }
        self.metrics = metrics
    }

    public init(batch: RecordBatch, malformedRows: Int, numInputRows: Int? = nil) {
        self.init(parts: [batch], schema: batch.schema, malformedRows: malformedRows, numInputRows: numInputRows)
    }

    /// All the rows as one batch.
    public func combined() throws -> RecordBatch {
        try RecordBatch.concat(parts, schema: schema)
    }
}

/// A streaming source: offsets that only move forward, and the data between two offsets.
///
/// The engine writes `offsets/N` with the end offsets *before* calling `getBatch`, and
/// `getBatch(start, end)` must return the same rows every time it is called with the same
/// offsets: that is what lets a batch be re-run after a crash.
public protocol StreamSource: AnyObject, Sendable {
    var schema: Schema { get }
    var description: String { get }

    /// The offset up to which data may be read next, at most `limit` past `start`.
    /// nil when the source has never had data.
    func latestOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset?

    /// Fixes the end of the data that `availableNow` will process: data arriving later waits for the next run.
    func prepareForAvailableNow() throws

    /// The rows after `start` up to and including `end`.
    func getBatch(start: SourceOffset?, end: SourceOffset, batchId: Int64) throws -> SourceBatch

    /// Data up to `end` is committed and will not be asked for again.
    func commit(_ end: SourceOffset) throws
}
