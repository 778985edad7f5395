import Columnar
import Formats
import Foundation
import Delta
import Sinks
import Synchronization

/// Streams a directory tree of files (JSON lines, CSV; plain or `.zst`).
///
/// Files are taken in path order. Each batch's new files are recorded in the source's own log
/// (`sources/<i>/` in the checkpoint, `FileSourceLog`) before the batch runs, and the offset is
/// the number of that log entry: re-running a batch re-reads exactly the same files. Hive-style
/// directories (`date=2026-11-25/`) become partition columns (`PartitionColumns`).
///
/// Producers must write a file under a name starting with `.` or `_` (or outside the tree) and
/// rename it into place when complete: a file is read once, as it is when first listed. A file
/// found later with another size or modification time is reported (progress
/// `metrics.numChangedFiles`, `FileSourceOptions.onChangedFile`), not read again.
///
/// The root may be an object-store prefix (`s3://bucket/prefix`, see `Storage`): there each
/// listing starts after the greatest key listed before (`FileStreamSource+ObjectStore.swift`).
public final class FileStreamSource: StreamSource {
    public let schema: Schema
    public let description: String
    let root: String
    let reader: any RecordFileReader
    /// The columns of `schema` the reader produces, by name (the others come from directories).
    private let readerColumns: [String: Int]
    let options: FileSourceOptions
    /// The schema the user declared (before column pruning): which directory keys are columns.
    private let declaredSchema: Schema
    let log: FileSourceLog?
    let state: Mutex<State>
    /// Where the files are; not local for an `s3://` root.
    let storage: any ObjectStorage

    struct State {
        var seen: SeenFiles
        var partitions: PartitionColumns
        /// Whether `partitions` is saved in the log as it is.
        var partitionsSaved: Bool
        var lastLogId: Int64 = -1
        /// With `availableNow`: the only files this run may take.
        var availableNowFiles: Set<String>?
        /// Files of the last listing not taken yet, in the order they would be taken.
        var backlog: [ListedFile] = []
        /// Listings made by this run.
        var listings = 0
        /// Files found changed since the last batch was read (reported in its progress).
        var changed: [ChangedFile] = []
        /// Object stores: the greatest path listed or logged so far, where the next listing starts.
        var listedThrough: String?
    }

    /// - Parameters:
    ///   - root: the directory to stream.
    ///   - dataSchema: the columns to produce; a field named like a partition directory key is
    ///     filled from the directory, with the field's type.
    ///   - makeReader: builds the file reader for the columns to read from files.
    ///   - metadataPath: this source's log directory inside the checkpoint.
    public init(
        root: String, dataSchema: Schema, options: FileSourceOptions, metadataPath: String?,
        makeReader: (Schema) -> any RecordFileReader
    ) throws {
        let root = FileSystem.absolute(root)
        storage = Storage.at(root)
        // An object-store prefix exists as soon as a key is written under it: none yet is fine.
        guard !storage.isLocal || FileSystem.isDirectory(root) else {
            throw SourceError.missingDirectory(root)
        }
        self.root = root
        self.options = options
        self.description = "FileStreamSource[\(root)]"
        let declared = options.declaredSchema ?? dataSchema
        declaredSchema = declared

        let log = try metadataPath.map { try FileSourceLog(directory: $0) }
        self.log = log
        let saved = try log?.readPartitions()
        var partitions = saved ?? PartitionColumns()
        if let log, !partitions.undeclared.isEmpty {
            // Recorded by an earlier version, which made directory keys the schema did not
            // declare string columns at the end. Declared now, they are ordinary partition columns.
            let missing = partitions.undeclared.filter { declared.field($0) == nil }
            guard missing.isEmpty else { throw SourceError.undeclaredPartitionColumnsRecorded(log: log.directory, columns: missing) }
            partitions.declared += partitions.undeclared
            partitions.undeclared = []
        }

        // Columns known to come from directories are not read from the files; a declared column
        // whose directories appear later is read, and the directory value replaces it.
        let fileSchema = Schema(dataSchema.fields.filter { !partitions.declared.contains($0.name) })
        reader = makeReader(fileSchema)
        schema = Self.columns(declared: dataSchema, readerOutput: reader.outputSchema)
        readerColumns = Dictionary(uniqueKeysWithValues: reader.outputSchema.names.enumerated().map { ($1, $0) })

        var seen = SeenFiles()
        let lastLogId = try log?.load(into: &seen) ?? -1
        try log?.removeSuperseded()
        var initial = State(seen: seen, partitions: partitions, partitionsSaved: saved != nil && saved == partitions, lastLogId: lastLogId)
        if !storage.isLocal { initial.listedThrough = seen.greatestPath() }
        state = Mutex(initial)
    }

    /// The columns a file source produces: the declared fields under their column names
    /// (`` `service.name` `` is column `service.name`), then any the reader adds.
    static func columns(declared: Schema, readerOutput: Schema) -> Schema {
        let declaredColumns = declared.fields.map { Field(FieldPath.columnName($0.name), $0.type, nullable: $0.nullable) }
        let readerOnly = readerOutput.fields.filter { f in !declaredColumns.contains { $0.name == f.name } }
        return Schema(declaredColumns + readerOnly)
    }

    public func latestOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset? {
        guard let log else { throw QueryError.notStarted("\(description) was created without a checkpoint") }
        // While the last listing still holds more than a batch, take from it instead of listing
        // again (listing a large tree every batch of a backlog is wasted work). New files sort
        // after the listed ones under the producer convention, so the order is the same; with
        // `latestFirst` the newest files must jump the queue, so that lists every time.
        if !storage.isLocal { return try latestObjectOffset(start: start, limit: limit) }
        let reuse = state.withLock { s in !options.latestFirst && Self.apply(limit, to: s.backlog).count < s.backlog.count }
        let listed = reuse ? nil : try FileListing.list(root: root, glob: options.pathGlobFilter)
        let (offset, changed) = try state.withLock { s -> (SourceOffset?, [ChangedFile]) in
            // An entry past `start` was logged by a run that died before writing the batch's
            // offsets. It is the next batch, exactly as it would have been without the crash:
            // adding new files to it would merge two batches, and batch boundaries decide the
            // watermark, so which rows count as late would change.
            let startId = try start.map(Self.logId) ?? -1
            if s.lastLogId > startId { return (Self.offset(startId + 1), []) }
            var changed: [ChangedFile] = []
            if let listed {
                s.listings += 1
                var fresh: [ListedFile] = []
                for f in listed.files {
                    switch s.seen.observe(f, otherPaths: listed.otherPaths[f.path] ?? [], listing: s.listings) {
                    case .known: continue
                    case .changed(let before):
                        changed.append(ChangedFile(
                            path: FilePaths.join(root, f.path), sizeBefore: before.size, sizeNow: f.size,
                            modifiedMillisBefore: before.modifiedMillis, modifiedMillisNow: f.modifiedMillis))
                        continue
                    case .new:
                        if let allowed = s.availableNowFiles, !allowed.contains(f.path) { continue }
                        fresh.append(f)
                    }
                }
                if options.latestFirst { fresh.reverse() }
                s.backlog = fresh
                s.changed += changed
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
            try logTaken(taken, in: &s, log: log, committedThrough: startId)
            return (s.lastLogId < 0 ? nil : Self.offset(s.lastLogId), changed)
        }
        if let observer = options.onChangedFile { for c in changed { observer(c) } }
        return offset
    }

    /// Logs `taken` (the head of the backlog) as the next entry of the source's log, before the
    /// batch's offsets are written, and removes it from the backlog.
    func logTaken(_ taken: [ListedFile], in s: inout State, log: FileSourceLog, committedThrough startId: Int64) throws {
        guard !taken.isEmpty else { return }
        // Checked before anything is logged: a refused file is never part of an entry.
        if try s.partitions.admit(taken, declared: declaredSchema, root: root) || !s.partitionsSaved {
            try log.writePartitions(s.partitions)
            s.partitionsSaved = true
        }
        let id = s.lastLogId + 1
        if FileSourceLog.isCompaction(id) {
            // An object store's listings start after the last key, so they cannot tell which
            // older files are gone: nothing is forgotten there.
            if storage.isLocal { forgetGoneFiles(&s, through: startId) }
            try log.writeCompact(id, remembered: s.seen, taken: taken)
        } else {
            try log.write(id, files: taken)
        }
        s.seen.append(taken, logId: id, listing: s.listings)
        s.lastLogId = id
        s.backlog.removeFirst(taken.count)
    }

    /// Before a compaction: forgets files of committed entries that are gone from the directory
    /// (missing from the last listing) and older than `maxFileAge`.
    private func forgetGoneFiles(_ s: inout State, through committedId: Int64) {
        guard s.listings > 0, s.seen.newestModifiedMillis > Int64.min else { return }
        let ageMillis = options.maxFileAge.milliseconds
        s.seen.forget(missingFrom: s.listings, modifiedBefore: s.seen.newestModifiedMillis - ageMillis, through: committedId)
    }

    public func prepareForAvailableNow() throws {
        if !storage.isLocal { return try prepareObjectsForAvailableNow() }
        let listed = try FileListing.list(root: root, glob: options.pathGlobFilter)
        state.withLock { $0.availableNowFiles = Set(listed.files.map(\.path)) }
    }

    public func getBatch(start: SourceOffset?, end: SourceOffset, batchId: Int64) throws -> SourceBatch {
        let from = try start.map(Self.logId) ?? -1
        let to = try Self.logId(end)
        let (files, changed, backlog): ([ListedFile], [ChangedFile], (files: Int, bytes: Int64)) = try state.withLock { s in
            guard to <= s.lastLogId else {
                throw CheckpointError.damaged(path: log?.directory ?? root, reason: "the file source log has no entry \(to), which offset \(end) refers to")
            }
            defer { s.changed = [] }
            return (s.seen.files(after: from, through: to), s.changed, (s.backlog.count, s.backlog.reduce(0) { $0 + $1.size }))
        }
        var parts: [RecordBatch] = []
        var malformed = 0, read = 0
        var firstMalformed: [String] = []
        // Files are parsed in parallel (one per core); results are used in file order, so the
        // batch is the same as a sequential read.
        let reader = self.reader
        // A batch of one or few large files is split within files instead.
        let splitter = files.count < ParallelMap.cores && storage.isLocal ? SplitFileReader(reader: reader) : nil
        let results = ParallelMap.run(files) { file -> Result<[FileReadResult], any Error> in
            let full = FilePaths.join(self.root, file.path)
            do {
                if !self.storage.isLocal { return .success([try self.readObject(full)]) }
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
            for b in bad.prefix(Self.namedMalformedLines - firstMalformed.count) { firstMalformed.append("\(b.path):\(b.line): \(b.reason)") }
            if let dir = options.badRecordsPath, !bad.isEmpty {
                let name = file.path.replacingOccurrences(of: "/", with: "__") + ".json"
                try BadRecordsWriter.write(bad, to: FilePaths.join(dir, "batch=\(batchId)", name))
            }
            for piece in pieces {
                read += piece.rowsRead
                parts.append(try withPartitionColumns(piece.batch, file: file))
            }
        }
        var m = Self.metrics(changed)
        // Listed but not taken yet (as of this batch's listing): what operators watch as backlog.
        m["backlogFiles"] = String(backlog.files)
        m["backlogBytes"] = String(backlog.bytes)
        if !firstMalformed.isEmpty { m["malformedLines"] = Self.jsonArray(firstMalformed) }
        return SourceBatch(parts: parts, schema: schema, malformedRows: malformed, numInputRows: read, metrics: m)
    }

    /// How many rejected lines progress names (`malformedLines`, as `path:line: reason`).
    static let namedMalformedLines = 5

    /// Progress figures: changed files are counted, and the first few named.
    private static func metrics(_ changed: [ChangedFile]) -> [String: String] {
        var m = ["numChangedFiles": String(changed.count)]
        if !changed.isEmpty { m["changedFiles"] = jsonArray(changed.prefix(20).map(\.path)) }
        return m
    }

    private static func jsonArray(_ items: [String]) -> String {
        String(decoding: (try? JSONEncoder.sorted.encode(items)) ?? Data(), as: UTF8.self)
    }

    /// Nothing to do: the log keeps the files of committed entries (see `SeenFiles`).
    public func commit(_ end: SourceOffset) throws {}

    /// The files that log entries 0 through `end` of the source log in `metadataPath` hold, in
    /// log order, read without writing anything (a replay reads a running stream's log this
    /// way, so a compaction may run meanwhile: `FileSourceLog.load` retries then). Files the log
    /// has forgotten (gone from the directory and older than `maxFileAge`) are not included.
    static func loggedFiles(metadataPath: String, through end: SourceOffset) throws -> [ListedFile] {
        guard try Storage.at(metadataPath).exists(metadataPath) else {
            throw CheckpointError.damaged(path: metadataPath, reason: "the file source log is missing, yet offset \(end) refers to it")
        }
        let log = try FileSourceLog(directory: metadataPath)  // exists: nothing is created
        var seen = SeenFiles()
        let lastId = try log.load(into: &seen)
        let to = try logId(end)
        guard to <= lastId else {
            throw CheckpointError.damaged(path: metadataPath, reason: "the file source log has no entry \(to), which offset \(end) refers to")
        }
        return seen.files(after: -1, through: to)
    }

    /// The reader's columns in schema order, with the columns a directory of the file's path gives.
    private func withPartitionColumns(_ batch: RecordBatch, file: ListedFile) throws -> RecordBatch {
        let values = Dictionary(FileListing.partitionValues(of: file.path), uniquingKeysWith: { $1 })
        if values.isEmpty && batch.schema.count == schema.count { return batch }
        let columns = try schema.fields.map { field -> Column in
            if let raw = values[field.name] {
                let v = try PartitionColumns.value(raw, of: field, path: FilePaths.join(root, file.path))
                return Column.repeating(v, type: field.type, count: batch.rowCount)
            }
            // A file logged before its column's directories existed (or by an older version).
            guard let i = readerColumns[field.name] else { return Column.repeating(.null, type: field.type, count: batch.rowCount) }
            return batch.columns[i]
        }
        return try RecordBatch(schema: schema, columns: columns)
    }

    static func apply(_ limit: ReadLimit, to files: [ListedFile]) -> [ListedFile] {
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

    static func offset(_ id: Int64) -> SourceOffset { SourceOffset(json: "{\"logOffset\":\(id)}") }

    static func logId(_ o: SourceOffset) throws -> Int64 {
        struct Shape: Decodable { var logOffset: Int64 }
        guard let s = try? JSONDecoder().decode(Shape.self, from: Data(o.json.utf8)) else {
            throw SourceError.badOffset(o.json)
        }
        return s.logOffset
    }
}

/// Errors raised by sources, each saying what to do.
public enum SourceError: Error, CustomStringConvertible, Equatable {
    case missingDirectory(String)
    case fileVanished(String)
    case badOffset(String)
    case badPartitionValue(path: String, column: String, value: String, type: DataType)
    /// A file lies under a `column=value` directory whose key is not a column of the query.
    case undeclaredPartitionColumn(path: String, column: String, value: String, columns: [String])
    /// The source log records partition columns the schema does not declare (an earlier
    /// version added undeclared directory keys as string columns).
    case undeclaredPartitionColumnsRecorded(log: String, columns: [String])
    /// A file lacks the `column=value` directory that other files of the source have.
    case missingPartitionDirectory(path: String, column: String)
    case deltaVersionMissing(table: String, version: Int64)
    case deltaSchemaChanged(table: String, version: Int64)

    public var description: String {
        switch self {
        case .missingDirectory(let p): return "source directory \(p) does not exist; create it (it may be empty) or fix the path"
        case .fileVanished(let p): return "file \(p) was listed but is gone; producers must not delete files the query has not processed (or set ignoreMissingFiles)"
        case .badOffset(let o): return "offset \(o) was not written by this source type"
        case .badPartitionValue(let p, let c, let v, let t):
            return "partition directory of \(p) gives \(c)='\(v)', which is not a valid \(t); rename the directory or declare \(c) as a string"
        case .undeclaredPartitionColumn(let p, let c, let v, _):
            return "file \(p) is under directory \(c)=\(v), but \(c) is not a column of this query: partition columns are the schema's fields named like a directory key. Declare \(c) in the schema (Field(\"\(c)\", .string), or its type) and restart the query, or move the file out of the source directory"
        case .undeclaredPartitionColumnsRecorded(let log, let columns):
            let list = columns.joined(separator: ", ")
            return "the source log \(log) records the partition column(s) \(list), which the schema does not declare (earlier versions added undeclared directory keys as string columns at the end); declare them in the schema (as string fields at the end to keep the query's columns) and restart the query"
        case .missingPartitionDirectory(let p, let c):
            return "file \(p) is not under a \(c)=<value> directory, but \(c) is a partition column of this source (other files are under such directories); move the file into a \(c)=<value> directory (\(c)=\(DeltaPartition.nullDirectoryValue) for null) and restart the query"
        case .deltaVersionMissing(let t, let v):
            return "Delta table \(t) has no commit \(v) any more (log cleanup ran while the query was stopped); restart the query from a new checkpoint"
        case .deltaSchemaChanged(let t, let v):
            return "Delta table \(t) changed its partitioning in version \(v); restart the query from a new checkpoint"
        }
    }
}
