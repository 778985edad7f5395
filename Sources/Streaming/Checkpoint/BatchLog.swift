import Formats

/// A directory of files named by batch id (`offsets/0`, `offsets/1`, ...), each written
/// atomically and durably, each starting with a version line (`v1`) so the format can evolve.
/// This is Spark's HDFSMetadataLog reduced to what a local file system needs.
struct BatchLog: Sendable {
    let directory: String
    static let header = "v1"

    init(directory: String) throws {
        self.directory = directory
        try FileSystem.createDirectory(directory)
    }

    func path(_ batchId: Int64) -> String { FilePaths.join(directory, String(batchId)) }

    /// Writes the entry for `batchId` durably (replacing a previous attempt of the same batch).
    func write(_ batchId: Int64, lines: [String]) throws {
        let text = ([Self.header] + lines).joined(separator: "\n") + "\n"
        try DurableFile.writeAtomically(path(batchId), Array(text.utf8))
    }

    /// The body lines of `batchId`'s entry, or nil if there is none.
    func read(_ batchId: Int64) throws -> [String]? {
        let p = path(batchId)
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(p) } catch let e as IOError where e.isNotFound { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CheckpointError.damaged(path: p, reason: "not UTF-8 text")
        }
        guard text.hasSuffix("\n") else { throw CheckpointError.damaged(path: p, reason: "truncated: no final newline") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        guard lines.first == Self.header else {
            throw CheckpointError.damaged(path: p, reason: "first line is '\(lines.first ?? "")', expected '\(Self.header)'")
        }
        return Array(lines.dropFirst())
    }

    /// Batch ids present, ascending. Temporary files and other names are ignored.
    func batchIds() throws -> [Int64] {
        try FileSystem.list(directory).compactMap { Int64($0) }.sorted()
    }

    func latestBatchId() throws -> Int64? { try batchIds().last }

    /// Deletes entries below `batchId` (retention).
    func purge(before batchId: Int64) throws {
        for id in try batchIds() where id < batchId { try FileSystem.remove(path(id)) }
    }
}
