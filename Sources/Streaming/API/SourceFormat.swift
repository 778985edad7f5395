import Formats

/// File formats the file source reads. Files ending in `.zst` are decompressed on the fly.
public enum SourceFormat: Sendable, Equatable {
    case jsonLines
    case csv
    /// A Delta Lake table: streamed by following its log (`readStream`), or read whole with
    /// partition pruning (`read`). The schema comes from the table.
    case delta
}

/// Options for `DataStreamReader.option(_:)`, named as in Spark.
public enum SourceOption: Sendable {
    case maxFilesPerTrigger(Int)
    case maxBytesPerTrigger(Int64)
    case latestFirst(Bool)
    case pathGlobFilter(String)
    case ignoreMissingFiles(Bool)
    /// What to do with malformed lines (ignored when `badRecordsPath` is set).
    case mode(MalformedMode)
    /// Name of the column holding a malformed line in permissive mode (default
    /// `_corrupt_record`); the column exists only if the schema declares it as a string.
    case columnNameOfCorruptRecord(String?)
    /// Directory receiving every malformed line with its file, line number and reason; those
    /// lines are left out of the stream whatever the mode (Databricks' behaviour).
    case badRecordsPath(String)
    /// Longest accepted line; longer lines are rejected without being held in memory.
    case maxLineBytes(Int)
    /// CSV field delimiter.
    case delimiter(Unicode.Scalar)
    /// How long a file source remembers a file it read once the file is gone (default 7 days).
    case maxFileAge(Duration)
    /// Called for each file a file source finds changed after reading it (also counted in progress).
    case onChangedFile(@Sendable (ChangedFile) -> Void)

    func apply(to o: inout FileSourceOptions) {
        switch self {
        case .maxFilesPerTrigger(let n): o.maxFilesPerTrigger = n
        case .maxBytesPerTrigger(let n): o.maxBytesPerTrigger = n
        case .latestFirst(let b): o.latestFirst = b
        case .pathGlobFilter(let g): o.pathGlobFilter = g
        case .ignoreMissingFiles(let b): o.ignoreMissingFiles = b
        case .mode(let m): o.reader.mode = m
        case .columnNameOfCorruptRecord(let c): o.reader.corruptRecordColumn = c
        case .badRecordsPath(let p): o.badRecordsPath = p
        case .maxLineBytes(let n): o.reader.maxLineBytes = n
        case .delimiter(let c): o.reader.delimiter = c
        case .maxFileAge(let d): o.maxFileAge = d
        case .onChangedFile(let f): o.onChangedFile = f
        }
    }
}
