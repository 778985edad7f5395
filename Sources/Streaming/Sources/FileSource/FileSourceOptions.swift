import Columnar
import Formats

/// Options of the file source, named as in Spark where Spark has them.
public struct FileSourceOptions: Sendable {
    /// At most this many files per batch. With neither this nor `maxBytesPerTrigger` set, a
    /// file source takes at most `defaultMaxFilesPerTrigger` files and
    /// `defaultMaxBytesPerTrigger` bytes per batch.
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
    /// How long a file that was read and is gone from the directory is still remembered, by
    /// modification time relative to the newest file read (Spark's `maxFileAge`, 7 days by
    /// default). Files still in the directory are remembered however old; see `SeenFiles`.
    public var maxFileAge: Duration = .seconds(7 * 86_400)
    /// Called (on the query's thread) for each file found changed after it was read; the
    /// change is also counted in progress. A place to log it.
    public var onChangedFile: (@Sendable (ChangedFile) -> Void)?
    public var reader = ReaderOptions()
    /// The schema as the user declared it, when `ColumnPruning` narrowed the source's schema:
    /// a partition directory named like a pruned column is still a declared column.
    var declaredSchema: Schema?

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

    /// The file source's limit when the user sets none: a first batch over a huge backlog of
    /// small files would otherwise hold them all in memory at once (100 k small files needed
    /// about a gigabyte). 1000 files is the Delta Lake source's default `maxFilesPerTrigger`.
    public static let defaultMaxFilesPerTrigger = 1000
    public static let defaultMaxBytesPerTrigger: Int64 = 1 << 30

    /// The limit as set by the user (`.all` when none is set); what the Delta source uses.
    var readLimit: ReadLimit {
        switch (maxFilesPerTrigger, maxBytesPerTrigger) {
        case (nil, nil): return .all
        case (let f?, nil): return .maxFiles(f)
        case (nil, let b?): return .maxBytes(b)
        case (let f?, let b?): return .maxFilesAndBytes(f, b)
        }
    }

    /// The file source's limit: the user's, or the defaults when none is set.
    var fileReadLimit: ReadLimit {
        readLimit == .all ? .maxFilesAndBytes(Self.defaultMaxFilesPerTrigger, Self.defaultMaxBytesPerTrigger) : readLimit
    }
}

/// A file found with a different size or modification time than when it was read. It is not
/// read again: under the producer convention files are immutable once renamed into place, so a
/// change means a producer rewrote a file in place, and the rows it added or changed are not in
/// the query's results.
public struct ChangedFile: Sendable, Equatable {
    /// Absolute path.
    public var path: String
    public var sizeBefore: Int64
    public var sizeNow: Int64
    public var modifiedMillisBefore: Int64
    public var modifiedMillisNow: Int64
}
