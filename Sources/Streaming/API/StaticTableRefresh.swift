import Columnar
import Delta
import Formats

/// Which version of a refreshable static table was read: what is compared to tell whether it
/// changed.
enum StaticTableVersion: Sendable, Equatable, CustomStringConvertible {
    /// A Delta table's version.
    case delta(Int64)
    /// The data files and their status when they were listed.
    case files([FileStamp])

    struct FileStamp: Sendable, Equatable {
        var path: String
        /// nil when the file vanished between listing and `stat`.
        var status: FileStatus?
    }

    var description: String {
        switch self {
        case .delta(let v): return "version \(v)"
        case .files(let f): return "\(f.count) file\(f.count == 1 ? "" : "s")"
        }
    }
}

/// Where a refreshable static table is read from: the reader as configured, its path, and for
/// a Delta table the table object kept between reads (it follows the log from the last
/// version it saw, so a check for a new version reads one file name, not the whole log).
struct StaticTableSource: Sendable {
    let reader: DataReader
    let path: String
    private let deltaTable: DeltaTable?

    init(reader: DataReader, path: String) {
        self.reader = reader
        self.path = path
        deltaTable = reader.format == .delta ? DeltaTable(path: path) : nil
    }

    var description: String { "\(reader.format == .delta ? "Delta table" : "static table") \(path)" }

    /// The table as it is now.
    func read() throws -> (version: StaticTableVersion, batch: RecordBatch) {
        try reader.read(path, deltaTable: deltaTable)
    }

    /// The current version, found without reading any data.
    func currentVersion() throws -> StaticTableVersion {
        if let deltaTable { return .delta(try deltaTable.snapshot().version) }
        return .files(try reader.listFiles(path))
    }
}

/// A refreshable static table as a query plan holds it: its source, the version `load` read
/// (with its rows), and how often joins check for a new one.
struct StaticTableRefresh: Sendable {
    let source: StaticTableSource
    let first: (version: StaticTableVersion, batch: RecordBatch)
    let checkEvery: Duration
}
