import Formats

/// The file source over an object-store prefix (`s3://bucket/prefix`).
///
/// Listing a bucket's whole tree every batch costs a request per thousand keys, every batch,
/// for ever; that cost is what this design avoids. Each listing starts after the greatest path
/// listed or logged so far (`State.listedThrough`, after a restart the greatest path in the
/// source's log), so it returns only keys added since, and new files join the end of the
/// backlog. The price is the producer convention, stated as a rule: keys must be written in
/// ascending order (date-partitioned or time-stamped names, as Kinesis Firehose and most log
/// shippers write them); a key written below one already listed is never read. Nor can a file
/// rewritten after it was listed be noticed (`numChangedFiles` stays 0), and files gone from the
/// prefix are not forgotten at compaction. Objects are read whole, in one GET each.
extension FileStreamSource {
    func latestObjectOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset? {
        guard let log else { throw QueryError.notStarted("\(description) was created without a checkpoint") }
        let startId = try start.map(Self.logId) ?? -1
        let (pendingEntry, listedThrough, availableNow) = state.withLock { s in
            (s.lastLogId > startId, s.listedThrough, s.availableNowFiles != nil)
        }
        // As for local files: an entry past `start` is the batch a dead run logged, unchanged.
        if pendingEntry { return Self.offset(startId + 1) }
        // With availableNow the one listing made at start is the whole input of the run.
        let listed = availableNow ? nil : try FileListing.listObjects(
            root: root, glob: options.pathGlobFilter, startAfter: listedThrough, storage: storage)
        return try state.withLock { s in
            if let listed { enqueue(listed.files, in: &s) }
            try logTaken(Self.apply(limit, to: s.backlog), in: &s, log: log, committedThrough: startId)
            return s.lastLogId < 0 ? nil : Self.offset(s.lastLogId)
        }
    }

    func prepareObjectsForAvailableNow() throws {
        let after = state.withLock { $0.listedThrough }
        let listed = try FileListing.listObjects(root: root, glob: options.pathGlobFilter, startAfter: after, storage: storage)
        state.withLock { s in
            enqueue(listed.files, in: &s)
            s.availableNowFiles = Set(s.backlog.map(\.path))
        }
    }

    /// Adds the files of a listing that are not in the log to the backlog and moves
    /// `listedThrough` to the listing's last path.
    private func enqueue(_ files: [ListedFile], in s: inout State) {
        s.listings += 1
        var fresh: [ListedFile] = []
        for f in files {
            if case .new = s.seen.observe(f, otherPaths: [], listing: s.listings) { fresh.append(f) }
        }
        if let last = files.last?.path, s.listedThrough.map({ $0.utf8.lexicographicallyPrecedes(last.utf8) }) ?? true {
            s.listedThrough = last
        }
        if options.latestFirst { s.backlog = fresh.reversed() + s.backlog } else { s.backlog += fresh }
    }

    /// One object, fetched whole and parsed.
    func readObject(_ path: String) throws -> FileReadResult {
        try reader.read(fileBytes: try storage.read(path), path: path)
    }
}

extension SeenFiles {
    /// The greatest remembered path (UTF-8 byte order), nil when none is remembered.
    func greatestPath() -> String? {
        var greatest: [UInt8]?
        forEach { _, _, _, path in
            if greatest.map({ $0.lexicographicallyPrecedes(path) }) ?? true { greatest = Array(path) }
        }
        return greatest.map { String(decoding: $0, as: UTF8.self) }
    }
}
