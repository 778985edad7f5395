import Columnar
import Formats
import Foundation
import Delta
import Sinks

/// The input of a replay, cut into batches of a few files that are read one at a time, so
/// memory follows a batch and not the range.
protocol ReplayInput: AnyObject {
    var schema: Schema { get }
    var batchCount: Int { get }
    /// Files read (all batches) and files left out because their partition is outside the range.
    var filesSelected: Int { get }
    var filesPruned: Int { get }
    /// The rows of batch `index` (0 ..< batchCount), read when asked for.
    func read(_ index: Int) throws -> SourceBatch
    /// Per batch: how many files, and the first day (from `date=` directories) its files hold,
    /// when the files' paths tell (for progress reports).
    var batchFiles: [(files: Int, firstDay: Int32?)] { get }
}

/// What decides which input a replay reads.
struct ReplaySelection {
    /// Rows kept: the event-time range, widened by the rules' margin.
    var predicate: Expr
    /// Days (since the epoch) whose `date=` partitions may hold rows in range.
    var days: Range<Int32>
    var pruneDateDirectories: Bool
    /// The stream's boundary, when a stream writes the table.
    var boundary: StreamBoundary?
    var maxBytesPerBatch: Int64
    var maxFilesPerBatch: Int

    /// Consecutive files, at most `maxFilesPerBatch` and (but for a single larger file)
    /// `maxBytesPerBatch` bytes per batch.
    func batches<File>(_ files: [File], size: (File) -> Int64) -> [[File]] {
        var out: [[File]] = []
        var current: [File] = []
        var bytes: Int64 = 0
        for f in files {
            if !current.isEmpty && (current.count >= maxFilesPerBatch || bytes + size(f) > maxBytesPerBatch) {
                out.append(current)
                (current, bytes) = ([], 0)
            }
            current.append(f)
            bytes += size(f)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}

enum ReplayInputs {
    /// - Parameters:
    ///   - spec: the source after the planner's rewrites (pruned columns, pushed filters).
    ///   - declared: the source as the user declared it (for the types of partition columns).
    ///   - scratch: a directory of the replay's own, removed afterwards.
    static func make(spec: any SourceProvider, declared: any SourceProvider, selection: ReplaySelection, scratch: String) throws -> any ReplayInput {
        if let delta = spec as? DeltaSourceProvider { return try DeltaReplayInput(spec: delta, selection: selection) }
        guard let file = spec as? FileSourceProvider, let declaredFile = declared as? FileSourceProvider else {
            throw QueryError.invalidQuery("replay reads file and Delta sources only")
        }
        return try FileReplayInput(spec: file, declaredSchema: declaredFile.declared, selection: selection, scratch: scratch)
    }
}

/// A file source: the files in range, from the stream's source log (up to its boundary) or,
/// without a stream, from a listing; files in `date=` directories outside the range are
/// never opened.
///
/// The batches are written as the entries of a source log in the replay's scratch directory
/// and read by an ordinary `FileStreamSource`, so a replay parses files exactly as the stream
/// does (parallel parsing, split files, partition columns, bad-record modes).
final class FileReplayInput: ReplayInput {
    let schema: Schema
    let batchCount: Int
    let filesSelected: Int
    let filesPruned: Int
    let batchFiles: [(files: Int, firstDay: Int32?)]
    private let source: FileStreamSource

    init(spec: FileSourceProvider, declaredSchema: Schema, selection: ReplaySelection, scratch: String) throws {
        let root = FileSystem.absolute(spec.path)
        guard !Storage.isRemote(root) else {
            throw QueryError.invalidQuery("replay reads file sources in local directories only; \(root) is in an object store")
        }
        let candidates: [ListedFile]
        if let boundary = selection.boundary {
            candidates = try boundary.sourceOffset.map { try FileStreamSource.loggedFiles(metadataPath: boundary.sourceLogPath, through: $0) } ?? []
        } else {
            candidates = try FileListing.list(root: root, glob: spec.options.pathGlobFilter).files
        }
        let files = selection.pruneDateDirectories
            ? candidates.filter { Self.mayHoldRows($0, in: selection.days, declared: declaredSchema) } : candidates
        filesSelected = files.count
        filesPruned = candidates.count - files.count

        let batches = selection.batches(files, size: \.size)
        let logPath = FilePaths.join(scratch, "sources", "0")
        let log = try BatchLog(directory: logPath)
        let encoder = JSONEncoder.sorted
        for (i, batch) in batches.enumerated() {
            try log.write(Int64(i), lines: try batch.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
        }
        batchCount = batches.count
        batchFiles = batches.map { batch in (batch.count, batch.compactMap { Self.day(of: $0, declared: declaredSchema) }.min()) }
        // Dead letters stay the stream's: the replay reads the same lines and would overwrite
        // the stream's `batch=<id>` files with its own batch ids.
        var options = spec.options
        options.badRecordsPath = nil
        source = try FileSourceProvider(path: spec.path, format: spec.format, schema: spec.declared, options: options).makeFileSource(metadataPath: logPath)
        schema = source.schema
    }

    func read(_ index: Int) throws -> SourceBatch {
        let end = SourceOffset(json: "{\"logOffset\":\(index)}")
        let batch = try source.getBatch(
            start: index == 0 ? nil : SourceOffset(json: "{\"logOffset\":\(index - 1)}"), end: end, batchId: Int64(index))
        try source.commit(end)
        return batch
    }

    /// False only for a file under a `<column>=<day>` directory whose column the source declares
    /// as a date and whose day is outside `days`: under the partitioning convention
    /// (README "Backfill") its rows' event times lie on that day.
    /// The day of the file's `<column>=<day>` directory, for a column declared as a date.
    static func day(of file: ListedFile, declared: Schema) -> Int32? {
        FileListing.partitionValues(of: file.path).lazy.filter { declared.field($0.0)?.type == .date }.compactMap { Dates.parse($0.1) }.first
    }

    static func mayHoldRows(_ file: ListedFile, in days: Range<Int32>, declared: Schema) -> Bool {
        for (key, value) in FileListing.partitionValues(of: file.path) where declared.field(key)?.type == .date {
            if let day = Dates.parse(value), !days.contains(day) { return false }
        }
        return true
    }
}

/// A Delta source: the live files that may hold rows in range (partition values and file
/// statistics prune the rest, as a batch read of the table does), up to the stream's
/// position when a stream writes the replayed table.
///
/// With a stream at position (version V, file I), the input is the table as of V-1 plus the
/// first I+1 data files V added (at the starting version: its first I+1 files). That is what
/// the stream consumed, except for rows the source table itself has removed since (a replay
/// upstream), which a backfill should not bring back.
final class DeltaReplayInput: ReplayInput {
    let schema: Schema
    let batchCount: Int
    let filesSelected: Int
    let filesPruned: Int
    private let snapshot: DeltaSnapshot
    private let batches: [[DeltaAddFile]]
    private let predicate: Expr

    init(spec: DeltaSourceProvider, selection: ReplaySelection) throws {
        let table = DeltaTable(path: spec.path)
        let latest = try table.snapshot()
        let columns = spec.columns.map { c in latest.schema.names.filter { c.contains($0) } } ?? latest.schema.names
        schema = Schema(columns.map { latest.schema.field($0)! })
        predicate = selection.predicate
        snapshot = latest

        let (files, candidates) = try Self.select(table: table, latest: latest, selection: selection)
        filesSelected = files.count
        filesPruned = candidates - files.count
        batches = selection.batches(files, size: \.size)
        batchCount = batches.count
    }

    var batchFiles: [(files: Int, firstDay: Int32?)] { batches.map { ($0.count, nil) } }

    /// The files to read, and how many were considered before pruning.
    private static func select(table: DeltaTable, latest: DeltaSnapshot, selection: ReplaySelection) throws -> ([DeltaAddFile], Int) {
        var metrics = DeltaScanMetrics()
        let predicate = selection.predicate
        guard let boundary = selection.boundary else {
            return (try latest.selectFiles(where: predicate, metrics: &metrics), latest.addFiles.count)
        }
        guard let offset = boundary.sourceOffset else { return ([], 0) }
        let end = try DeltaStreamSource.Position(offset)
        let v = end.unit.version
        if end.unit.isStartingVersion {
            let start = try table.snapshot(version: v)
            let taken = Set(start.addFiles.prefix(end.index + 1).map(\.path))
            return (try start.selectFiles(where: predicate, metrics: &metrics).filter { taken.contains($0.path) }, taken.count)
        }
        let before = try table.snapshot(version: v - 1)
        guard let actions = try table.commitActions(version: v) else {
            throw SourceError.deltaVersionMissing(table: table.path, version: v)
        }
        let added = actions.compactMap { if case .add(let a) = $0, a.dataChange { return a } else { return nil } }.prefix(end.index + 1)
        return (try before.selectFiles(where: predicate, metrics: &metrics) + added, before.addFiles.count + added.count)
    }

    func read(_ index: Int) throws -> SourceBatch {
        var metrics = DeltaScanMetrics()
        let batch = try snapshot.readFiles(batches[index], columns: schema.names, where: predicate, metrics: &metrics)
        return SourceBatch(batch: batch, malformedRows: 0)
    }
}
