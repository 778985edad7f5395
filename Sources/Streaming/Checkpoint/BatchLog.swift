import Formats
import Operators
import State

/// A directory of files named by batch id (`offsets/0`, `offsets/1`, ...), each written
/// atomically and durably, each starting with a version line (`v1`) so the format can evolve
/// and ending with a checksum line (`#xxh64:<hex>` over everything before it), so that a file
/// damaged on disk is refused instead of silently moving offsets.
/// This is Spark's HDFSMetadataLog reduced to what a local file system or an object store needs.
///
/// In an object store (see `Storage`) there is no lock file to hold, so entries are written
/// put-if-absent: the run that creates `offsets/N` owns batch N, and a second query on the same
/// checkpoint finds its entry taken and stops (`CheckpointError.fenced`) before it reads data.
struct BatchLog: Sendable {
    let directory: String
    let storage: any ObjectStorage
    static let header = "v1"

    init(directory: String) throws {
        self.directory = directory
        storage = Storage.at(directory)
        try storage.createDirectory(directory, role: .restricted)
    }

    func path(_ batchId: Int64) -> String { FilePaths.join(directory, String(batchId)) }

    /// Writes the entry for `batchId` durably. Locally it replaces a previous attempt of the
    /// same batch (the checkpoint lock keeps other queries out); in an object store it must be
    /// new, or hold exactly these bytes already (the same batch, run again).
    func write(_ batchId: Int64, lines: [String]) throws {
        let body = Array((([Self.header] + lines).joined(separator: "\n") + "\n").utf8)
        let bytes = body + Array("#xxh64:\(Self.checksum(body))\n".utf8)
        if storage.isLocal {
            try storage.writeAtomically(path(batchId), bytes, role: .restricted)
        } else {
            try Self.createFenced(path(batchId), bytes, storage: storage)
        }
    }

    /// Creates `path` put-if-absent; any file already there means another query run writes
    /// this checkpoint. Equal content is no excuse: two runs on the same input write the same
    /// `commits/N` and file-source entries byte for byte, and both must not go on. (A retry of
    /// this run's own put whose answer was lost is recognised by the storage, see
    /// `ObjectStorage.createExclusively`.) No run rewrites an entry another run created: a
    /// restart re-runs a pending batch from its existing `offsets/N` and file-source entry.
    static func createFenced(_ path: String, _ bytes: [UInt8], storage: any ObjectStorage) throws {
        if try storage.createExclusively(path, bytes, role: .restricted) { return }
        throw CheckpointError.fenced(path: path, holder: CheckpointLock.holder(ofCheckpointContaining: path))
    }

    /// The body lines of `batchId`'s entry, or nil if there is none.
    func read(_ batchId: Int64) throws -> [String]? {
        let p = path(batchId)
        let bytes: [UInt8]
        do { bytes = try storage.read(p) } catch let e as IOError where e.isNotFound { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CheckpointError.damaged(path: p, reason: "not UTF-8 text")
        }
        guard text.hasSuffix("\n") else { throw CheckpointError.damaged(path: p, reason: "truncated: no final newline") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        guard let last = lines.last, last.hasPrefix("#xxh64:") else {
            throw CheckpointError.damaged(path: p, reason: "truncated: the checksum line is missing")
        }
        let body = Array(bytes.prefix(bytes.count - last.utf8.count - 1))
        guard String(last.dropFirst("#xxh64:".count)) == Self.checksum(body) else {
            throw CheckpointError.damaged(path: p, reason: "checksum mismatch: the content changed after it was written")
        }
        lines.removeLast()
        guard lines.first == Self.header else {
            throw CheckpointError.damaged(path: p, reason: "first line is '\(lines.first ?? "")', expected '\(Self.header)'")
        }
        return Array(lines.dropFirst())
    }

    private static func checksum(_ bytes: [UInt8]) -> String {
        let h = StableHash.xxHash64(bytes)
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Batch ids present, ascending. Temporary files and other names are ignored.
    func batchIds() throws -> [Int64] {
        try storage.list(directory).compactMap { Int64($0) }.sorted()
    }

    func latestBatchId() throws -> Int64? { try batchIds().last }

    /// Deletes entries below `batchId` (retention).
    func purge(before batchId: Int64) throws {
        for id in try batchIds() where id < batchId { try storage.remove(path(id)) }
    }
}
