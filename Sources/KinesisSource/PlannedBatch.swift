import Foundation
import Streaming

/// The end offset the source offered for the batch after a given start, kept in the source's
/// checkpoint directory (`sources/<i>/planned`) before it is returned. A run that dies after
/// `latestOffset` and before the engine writes `offsets/N` offers the same batch again on
/// restart: batch boundaries decide the watermark, so they must not move (as the file source
/// re-offers the log entry it wrote; docs/ARCHITECTURE.md, "The batch protocol").
struct PlannedBatch: Codable, Equatable {
    var start: String?
    var end: String

    static func path(_ metadataPath: String) -> String { FilePaths.join(metadataPath, "planned") }

    static func read(_ metadataPath: String) throws -> PlannedBatch? {
        let path = path(metadataPath)
        guard FileSystem.exists(path) else { return nil }
        do {
            return try JSONDecoder().decode(PlannedBatch.self, from: Data(try FileSystem.read(path)))
        } catch let e as DecodingError {
            throw CheckpointError.damaged(path: path, reason: "not a planned Kinesis batch: \(e)")
        }
    }

    func write(_ metadataPath: String) throws {
        try FileSystem.createDirectory(metadataPath)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try DurableFile.writeAtomically(Self.path(metadataPath), Array(try encoder.encode(self)))
    }
}
