import Foundation
import Streaming
import Synchronization

/// A sink writing each batch to its own file, `batch-<id>.jsonl`, under a directory: written
/// to a temporary name and renamed, so a batch file is there whole or not at all. A batch whose
/// file exists is skipped, which with the engine's replay of uncommitted batches is exactly once.
final class DirectorySink: Sink {
    let directory: String
    /// Fails once, right after writing this batch's file (a crash before `commits/N`).
    private let failAfterWriting = Mutex<Int64?>(nil)

    struct CrashAfterWrite: Error {}

    init(directory: String, failAfterWriting batch: Int64? = nil) throws {
        self.directory = directory
        failAfterWriting.withLock { $0 = batch }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    var description: String { "DirectorySink[\(directory)]" }

    func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws {
        let path = "\(directory)/batch-\(batchId).jsonl"
        if !FileManager.default.fileExists(atPath: path) {
            let lines = batch.rows.map { row in zip(batch.schema.names, row).map { "\"\($0)\":\"\($1)\"" }.joined(separator: ",") }
            let text = lines.map { "{\($0)}\n" }.joined()
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/.batch-\(batchId).tmp"))
            try FileManager.default.moveItem(atPath: "\(directory)/.batch-\(batchId).tmp", toPath: path)
        }
        let fail = failAfterWriting.withLock { f -> Bool in
            defer { if f == batchId { f = nil } }
            return f == batchId
        }
        if fail { throw CrashAfterWrite() }
    }

    /// The newest batch file: the sink keeps its batches, so the engine cross-checks it at start.
    func lastAppliedBatch() throws -> AppliedBatches {
        let ids = try batchIds()
        return ids.last.map { .through($0) } ?? AppliedBatches.none
    }

    func batchIds() throws -> [Int64] {
        try FileManager.default.contentsOfDirectory(atPath: directory).compactMap { name -> Int64? in
            guard name.hasPrefix("batch-"), name.hasSuffix(".jsonl") else { return nil }
            return Int64(name.dropFirst("batch-".count).dropLast(".jsonl".count))
        }.sorted()
    }

    /// Every row written, as its JSON line, batch by batch.
    func lines() throws -> [String] {
        try batchIds().flatMap { id in
            try String(contentsOfFile: "\(directory)/batch-\(id).jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }
}
