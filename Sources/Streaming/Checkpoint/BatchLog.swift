import Formats
import Operators
import State

/// A directory of files named by batch id (`offsets/0`, `offsets/1`, ...), each written
/// atomically and durably, each starting with a version line (`v1`) so the format can evolve
/// and ending with a checksum line (`#xxh64:<hex>` over everything before it), so that a file
/// damaged on disk is refused instead of silently moving offsets.
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
        let body = Array((([Self.header] + lines).joined(separator: "\n") + "\n").utf8)
        try DurableFile.writeAtomically(path(batchId), body + Array("#xxh64:\(Self.checksum(body))\n".utf8))
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
        try FileSystem.list(directory).compactMap { Int64($0) }.sorted()
    }

    func latestBatchId() throws -> Int64? { try batchIds().last }

    /// Deletes entries below `batchId` (retention).
    func purge(before batchId: Int64) throws {
        for id in try batchIds() where id < batchId { try FileSystem.remove(path(id)) }
    }
}
