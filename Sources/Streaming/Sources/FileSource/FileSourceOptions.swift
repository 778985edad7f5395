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
    /// Where rejected input lines are written, one file per batch and input file. When set,
    /// it takes precedence over `reader.mode`, as on Databricks: rejected lines go there and
    /// are left out of the stream, whatever the mode.
    public var badRecordsPath: String?
    public var reader = ReaderOptions()

    public init() {}

    /// The options the file reader runs with: with `badRecordsPath`, malformed rows are dropped
    /// (the source writes them to that directory) instead of kept or failing the query.
    var effectiveReader: ReaderOptions {
        var r = reader
        if badRecordsPath != nil { r.mode = .dropMalformed }
        return r
    }

    /// Whether the query can see which lines are malformed beyond nulls: the rows that exist
    /// (dropMalformed, failFast, badRecordsPath) or the corrupt-record column, if `columns`
    /// (the columns the query reads) include it. Then every declared field is read, so the
    /// judgement does not depend on which columns the query uses.
    func judgesWholeRecords(reading columns: Set<String>) -> Bool {
        if badRecordsPath != nil || reader.mode != .permissive { return true }
        return reader.corruptRecordColumn.map(columns.contains) ?? false
    }

    var readLimit: ReadLimit {
        switch (maxFilesPerTrigger, maxBytesPerTrigger) {
        case (nil, nil): return .all
        case (let f?, nil): return .maxFiles(f)
        case (nil, let b?): return .maxBytes(b)
        case (let f?, let b?): return .maxFilesAndBytes(f, b)
        }
    }
}
