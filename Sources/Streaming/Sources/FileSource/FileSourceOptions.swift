import Formats

/// Options of the file source, named as in Spark where Spark has them.
public struct FileSourceOptions: Sendable {
    public var maxFilesPerTrigger: Int?
    public var maxBytesPerTrigger: Int64?
    /// Take the newest files first when rate limited (by path order, reversed).
    public var latestFirst = false
    /// Only file names matching this glob are read (`*.jsonl.zst`).
    public var pathGlobFilter: String?
    /// Skip files that disappear between listing and reading instead of failing.
    public var ignoreMissingFiles = false
    /// Where rejected input lines are written, one file per batch and input file.
    public var badRecordsPath: String?
    public var reader = ReaderOptions()

    public init() {}

    var readLimit: ReadLimit {
        switch (maxFilesPerTrigger, maxBytesPerTrigger) {
        case (nil, nil): return .all
        case (let f?, nil): return .maxFiles(f)
        case (nil, let b?): return .maxBytes(b)
        case (let f?, let b?): return .maxFilesAndBytes(f, b)
        }
    }
}
