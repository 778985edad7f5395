import Columnar
import Formats
import Foundation
import Delta
import Sinks
import Synchronization

/// Streams a directory tree of files (JSON lines, CSV; plain or `.zst`).
///
/// Files are taken in path order. Each batch's new files are recorded in the source's own log
/// (`sources/<i>/<n>` in the checkpoint) before the batch runs, and the offset is the number of
/// that log entry: re-running a batch re-reads exactly the same files. Hive-style directories
/// (`date=2026-11-25/`) become partition columns.
///
/// Producers must write a file under a name starting with `.` or `_` (or outside the tree) and
/// rename it into place when complete: a file is read once, as it is when first listed.
public final class FileStreamSource: StreamSource {
    public let schema: Schema
    public let description: String
    private let root: String
    private let reader: any RecordFileReader
    private let partitionFields: [Field]
    private let options: FileSourceOptions
    private let log: BatchLog?
    private let state = Mutex(State())

    private struct State {
        var seen = Set<String>()
        var entries: [Int64: [ListedFile]] = [:]
        var lastLogId: Int64 = -1
        /// With `availableNow`: the only files this run may take.
        var availableNowFiles: Set<String>?
        /// Files of the last listing not taken yet, in the order they would be taken.
        var backlog: [ListedFile] = []
    }

    /// - Parameters:
    ///   - root: the directory to stream.
    ///   - dataSchema: columns read from the files; a field named like a partition directory
    ///     key gives that partition column its type (other partition columns are strings).
    ///   - makeReader: builds the file reader for the columns to read from files.
    ///   - metadataPath: this source's log directory inside the checkpoint.
    public init(
        root: String, dataSchema: Schema, options: FileSourceOptions, metadataPath: String?,
        makeReader: (Schema) -> any RecordFileReader
    ) throws {
        let root = FileSystem.absolute(root)
        guard FileSystem.isDirectory(root) else {
            throw SourceError.missingDirectory(root)
        }
        self.root = root
        self.options = options
        self.description = "FileStreamSource[\(root)]"

        var keys: [String] = []
        for f in try FileListing.list(root: root, glob: options.pathGlobFilter) {
            for (k, _) in FileListing.partitionValues(of: f.path) where !keys.contains(k) { keys.append(k) }
        }
        partitionFields = keys.map { dataSchema.field($0) ?? Field($0, .string) }
        let fileSchema = Schema(dataSchema.fields.filter { !keys.contains($0.name) })
        reader = makeReader(fileSchema)
        schema = Schema(reader.outputSchema.fields + partitionFields)

        log = try metadataPath.map { try BatchLog(directory: $0) }
        guard let log else { return }
        try state.withLock { s in
            for id in try log.batchIds() {
                let files = try Self.decodeEntry(try log.read(id) ?? [], path: log.path(id))
                s.entries[id] = files
                for f in files { s.seen.insert(f.path) }
                s.lastLogId = id
            }
        }
    }

    public func latestOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset? {
        guard let log else { throw QueryError.notStarted("\(description) was created without a checkpoint") }
        // While the last listing still holds more than a batch, take from it instead of listing
        // again (listing a large tree every batch of a backlog is wasted work). New files sort
        // after the listed ones under the producer convention, so the order is the same; with
        // `latestFirst` the newest files must jump the queue, so that lists every time.
        let reuse = state.withLock { s in !options.latestFirst && Self.apply(limit, to: s.backlog).count < s.backlog.count }
        let listed = reuse ? nil : try FileListing.list(root: root, glob: options.pathGlobFilter)
        return try state.withLock { s in
            // An entry past `start` was logged by a run that died before writing the batch's
            // offsets. It is the next batch, exactly as it would have been without the crash:
            // adding new files to it would merge two batches, and batch boundaries decide the
            // watermark, so which rows count as late would change.
            let startId = try start.map(Self.logId) ?? -1
            if s.lastLogId > startId { return Self.offset(startId + 1) }
            if let listed {
                var fresh = listed.filter { !s.seen.contains($0.path) }
                if let allowed = s.availableNowFiles { fresh = fresh.filter { allowed.contains($0.path) } }
                if options.latestFirst { fresh.reverse() }
                s.backlog = fresh
            }
            var taken = Self.apply(limit, to: s.backlog)
            if listed == nil {
                // Listed batches ago: a file removed since (by retention, say) is dropped here, as
                // a fresh listing would not have it, rather than logged and then found missing.
                while case let gone = Set(taken.lazy.filter({ !FileSystem.exists(FilePaths.join(self.root, $0.path)) }).map(\.path)), !gone.isEmpty {
                    s.backlog.removeAll { gone.contains($0.path) }
                    taken = Self.apply(limit, to: s.backlog)
                }
            }
            if !taken.isEmpty {
                let id = s.lastLogId + 1
                let encoder = JSONEncoder.sorted
                try log.write(id, lines: try taken.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
                s.entries[id] = taken
                for f in taken { s.seen.insert(f.path) }
                s.lastLogId = id
                s.backlog.removeFirst(taken.count)
            }
            return s.lastLogId < 0 ? nil : Self.offset(s.lastLogId)
        }
    }

    public func prepareForAvailableNow() throws {
        let listed = try FileListing.list(root: root, glob: options.pathGlobFilter)
        state.withLock { $0.availableNowFiles = Set(listed.map(\.path)) }
    }

    public func getBatch(start: SourceOffset?, end: SourceOffset, batchId: Int64) throws -> SourceBatch {
        let from = try start.map(Self.logId) ?? -1
        let to = try Self.logId(end)
        let files: [ListedFile] = try state.withLock { s in
            try (from + 1..<to + 1).flatMap { id -> [ListedFile] in
                guard let e = s.entries[id] else {
                    throw CheckpointError.damaged(path: log?.path(id) ?? root, reason: "the file source log has no entry \(id), which offset \(end) refers to")
                }
                return e
            }
        }
        var parts: [RecordBatch] = []
        var malformed = 0, read = 0
        // Files are parsed in parallel (one per core); results are used in file order, so the
        // batch is the same as a sequential read.
        let reader = self.reader
        // A batch of one or few large files is split within files instead.
        let splitter = files.count < ParallelMap.cores ? SplitFileReader(reader: reader) : nil
        let results = ParallelMap.run(files) { file -> Result<[FileReadResult], any Error> in
            let full = FilePaths.join(self.root, file.path)
            do {
                if let splitter, splitter.canSplit(file, path: full) { return .success(try splitter.read(path: full)) }
                return .success([try reader.read(path: full)])
            } catch let e as IOError where e.isNotFound {
                return self.options.ignoreMissingFiles ? .success([]) : .failure(SourceError.fileVanished(full))
            } catch {
                return .failure(error)
            }
        }
        for (file, outcome) in zip(files, results) {
            let pieces = try outcome.get()
            let bad = pieces.flatMap(\.badRecords)
            malformed += bad.count
            if let dir = options.badRecordsPath, !bad.isEmpty {
                let name = file.path.replacingOccurrences(of: "/", with: "__") + ".json"
                try BadRecordsWriter.write(bad, to: FilePaths.join(dir, "batch=\(batchId)", name))
            }
            for piece in pieces {
                read += piece.rowsRead
                parts.append(try withPartitionColumns(piece.batch, file: file))
            }
        }
        return SourceBatch(parts: parts, schema: schema, malformedRows: malformed, numInputRows: read)
    }

    /// Committed log entries are never read again: only `seen` must remember their files.
    public func commit(_ end: SourceOffset) throws {
        let id = try Self.logId(end)
        state.withLock { s in s.entries = s.entries.filter { $0.key > id } }
    }

    private func withPartitionColumns(_ batch: RecordBatch, file: ListedFile) throws -> RecordBatch {
        if partitionFields.isEmpty { return batch }
        let values = Dictionary(FileListing.partitionValues(of: file.path), uniquingKeysWith: { $1 })
        var columns = batch.columns
        for field in partitionFields {
            var value = Value.null
            if let raw = values[field.name], raw != DeltaPartition.nullDirectoryValue {
                guard let v = Value.string(raw).cast(to: field.type), v != .null else {
                    throw SourceError.badPartitionValue(path: FilePaths.join(root, file.path), column: field.name, value: raw, type: field.type)
                }
                value = v
            }
            columns.append(Column.repeating(value, type: field.type, count: batch.rowCount))
        }
        return try RecordBatch(schema: schema, columns: columns)
    }

    private static func apply(_ limit: ReadLimit, to files: [ListedFile]) -> [ListedFile] {
        var maxFiles = Int.max, maxBytes = Int64.max
        switch limit {
        case .all: break
        case .maxFiles(let f): maxFiles = f
        case .maxBytes(let b): maxBytes = b
        case .maxFilesAndBytes(let f, let b): maxFiles = f; maxBytes = b
        }
        var out: [ListedFile] = []
        var bytes: Int64 = 0
        for f in files {
            if out.count >= maxFiles { break }
            // Always take at least one file, or a file larger than the limit would block the stream.
            if !out.isEmpty && bytes + f.size > maxBytes { break }
            out.append(f)
            bytes += f.size
        }
        return out
    }

    private static func offset(_ id: Int64) -> SourceOffset { SourceOffset(json: "{\"logOffset\":\(id)}") }

    private static func logId(_ o: SourceOffset) throws -> Int64 {
        struct Shape: Decodable { var logOffset: Int64 }
        guard let s = try? JSONDecoder().decode(Shape.self, from: Data(o.json.utf8)) else {
            throw SourceError.badOffset(o.json)
        }
        return s.logOffset
    }

    /// The files that log entries 0 through `end` of the source log in `metadataPath` hold, in
    /// log order, read without writing anything (a replay reads a running stream's log this way).
    static func loggedFiles(metadataPath: String, through end: SourceOffset) throws -> [ListedFile] {
        guard FileSystem.isDirectory(metadataPath) else {
            throw CheckpointError.damaged(path: metadataPath, reason: "the file source log is missing, yet offset \(end) refers to it")
        }
        let log = try BatchLog(directory: metadataPath)  // exists: nothing is created
        return try (0...logId(end)).flatMap { id -> [ListedFile] in
            guard let lines = try log.read(id) else {
                throw CheckpointError.damaged(path: log.path(id), reason: "the file source log has no entry \(id), which offset \(end) refers to")
            }
            return try decodeEntry(lines, path: log.path(id))
        }
    }

    private static func decodeEntry(_ lines: [String], path: String) throws -> [ListedFile] {
        let decoder = JSONDecoder()
        return try lines.map { line in
            guard let f = try? decoder.decode(ListedFile.self, from: Data(line.utf8)) else {
                throw CheckpointError.damaged(path: path, reason: "line '\(line.prefix(80))' is not a file entry")
            }
            return f
        }
    }
}

/// Errors raised by sources, each saying what to do.
public enum SourceError: Error, CustomStringConvertible, Equatable {
    case missingDirectory(String)
    case fileVanished(String)
    case badOffset(String)
    case badPartitionValue(path: String, column: String, value: String, type: DataType)
    case deltaVersionMissing(table: String, version: Int64)
    case deltaSchemaChanged(table: String, version: Int64)

    public var description: String {
        switch self {
        case .missingDirectory(let p): return "source directory \(p) does not exist; create it (it may be empty) or fix the path"
        case .fileVanished(let p): return "file \(p) was listed but is gone; producers must not delete files the query has not processed (or set ignoreMissingFiles)"
        case .badOffset(let o): return "offset \(o) was not written by this source type"
        case .badPartitionValue(let p, let c, let v, let t):
            return "partition directory of \(p) gives \(c)='\(v)', which is not a valid \(t); rename the directory or declare \(c) as a string"
        case .deltaVersionMissing(let t, let v):
            return "Delta table \(t) has no commit \(v) any more (log cleanup ran while the query was stopped); restart the query from a new checkpoint"
        case .deltaSchemaChanged(let t, let v):
            return "Delta table \(t) changed its partitioning in version \(v); restart the query from a new checkpoint"
        }
    }
}
