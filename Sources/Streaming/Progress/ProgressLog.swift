import Foundation
import Formats

/// `progress/`: the most recent progress records, one JSON file per batch, bounded in number.
struct ProgressLog: Sendable {
    let directory: String
    let retain: Int

    init(checkpoint: CheckpointLayout, retain: Int = 100) throws {
        directory = checkpoint.progress
        self.retain = retain
        try FileSystem.createDirectory(directory)
    }

    func append(_ p: StreamingQueryProgress) throws {
        let data = try JSONEncoder.sorted.encode(p)
        // Informational only (recovery never reads it), so not fsynced.
        try DurableFile.replaceWithoutSync(FilePaths.join(directory, "\(p.batchId).json"), Array(data) + [10])
        let ids = try batchIds()
        if ids.count > retain {
            for id in ids.prefix(ids.count - retain) { try FileSystem.remove(FilePaths.join(directory, "\(id).json")) }
        }
    }

    func batchIds() throws -> [Int64] {
        try FileSystem.list(directory).compactMap { $0.hasSuffix(".json") ? Int64($0.dropLast(5)) : nil }.sorted()
    }

    /// The stored records, oldest first.
    func read() throws -> [StreamingQueryProgress] {
        try batchIds().compactMap { id in
            try? JSONDecoder().decode(StreamingQueryProgress.self, from: Data(try FileSystem.read(FilePaths.join(directory, "\(id).json"))))
        }
    }

    /// Reads the progress records of a checkpoint (for the CLI).
    static func read(checkpoint: String) throws -> [StreamingQueryProgress] {
        let layout = CheckpointLayout(root: checkpoint)
        guard FileSystem.isDirectory(layout.progress) else { return [] }
        return try ProgressLog(checkpoint: layout).read()
    }
}
