import Formats

extension CheckpointInspector {
    /// Input a file source has not taken yet.
    public struct Backlog: Sendable, Equatable {
        public var files: Int
        public var bytes: Int64
    }

    /// Per source the checkpoint records: the files under a file source's directory that its
    /// log does not hold yet (listed now, so it also counts files that arrived while the query
    /// was stopped); nil for a Delta source or a directory that is gone. Reads only.
    public func backlog() throws -> [Backlog?] {
        let meta = try requireCheckpoint()
        return try (meta.sources ?? []).enumerated().map { i, source in
            guard source.format != "delta", FileSystem.isDirectory(source.path) else { return nil }
            let listed = try FileListing.list(root: source.path, glob: source.options["pathGlobFilter"])
            var seen = SeenFiles()
            let logDirectory = layout.source(i)
            if FileSystem.isDirectory(logDirectory) { _ = try FileSourceLog(directory: logDirectory).load(into: &seen) }
            let fresh = listed.files.filter { f in
                !seen.contains(f.path) && !(listed.otherPaths[f.path] ?? []).contains(where: seen.contains)
            }
            return Backlog(files: fresh.count, bytes: fresh.reduce(Int64(0)) { $0 + $1.size })
        }
    }

    /// The watermark recorded with the last commit, in µs (nil: none, or no watermark).
    public func committedWatermarkMicros() throws -> Int64? {
        _ = try requireCheckpoint()
        guard FileSystem.isDirectory(layout.commits) else { return nil }
        return try CommitLog(checkpoint: layout).latest()?.meta.nextBatchWatermarkMicros
    }
}
