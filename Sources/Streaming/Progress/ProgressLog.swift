import Foundation
import Formats

/// `progress/`: the most recent progress records, one JSON file per batch, bounded in number.
struct ProgressLog: Sendable {
    let directory: String
    let retain: Int
    let storage: any ObjectStorage

    init(checkpoint: CheckpointLayout, retain: Int = 100) throws {
        directory = checkpoint.progress
        self.retain = retain
        storage = Storage.at(directory)
        try storage.createDirectory(directory, role: .restricted)
    }

    func append(_ p: StreamingQueryProgress) throws {
        let data = try JSONEncoder.sorted.encode(p)
        // Informational only (recovery never reads it), so not fsynced.
        try storage.replaceWithoutSync(FilePaths.join(directory, "\(p.batchId).json"), Array(data) + [10], role: .restricted)
        let ids = try batchIds()
        if ids.count > retain {
            for id in ids.prefix(ids.count - retain) { try storage.remove(FilePaths.join(directory, "\(id).json")) }
        }
    }

    func batchIds() throws -> [Int64] {
        try storage.list(directory).compactMap { $0.hasSuffix(".json") ? Int64($0.dropLast(5)) : nil }.sorted()
    }

    /// The stored records, oldest first.
    func read() throws -> [StreamingQueryProgress] {
        try batchIds().compactMap { id in
            try? JSONDecoder().decode(StreamingQueryProgress.self, from: Data(try storage.read(FilePaths.join(directory, "\(id).json"))))
        }
    }

    /// Reads the progress records of a checkpoint (for the CLI).
    static func read(checkpoint: String) throws -> [StreamingQueryProgress] {
        let layout = CheckpointLayout(root: checkpoint)
        guard try Storage.at(layout.progress).exists(layout.progress) else { return [] }
        return try ProgressLog(checkpoint: layout).read()
    }
}
