import Foundation
import Formats

/// `metadata`: the query id, fixed when the checkpoint is created and kept across restarts.
struct CheckpointMetadata: Codable, Sendable {
    var id: String
    var formatVersion: Int

    /// Reads the checkpoint's metadata, creating it with a new id on first use.
    static func loadOrCreate(_ layout: CheckpointLayout) throws -> CheckpointMetadata {
        let path = layout.metadata
        if FileSystem.exists(path) {
            let bytes = try FileSystem.read(path)
            guard let meta = try? JSONDecoder().decode(CheckpointMetadata.self, from: Data(bytes)) else {
                throw CheckpointError.damaged(path: path, reason: "not the expected JSON {\"id\":...,\"formatVersion\":1}")
            }
            guard meta.formatVersion == 1 else {
                throw CheckpointError.incompatible(path: path, reason: "format version \(meta.formatVersion) is not supported (this build reads version 1)")
            }
            return meta
        }
        let meta = CheckpointMetadata(id: UUID().uuidString.lowercased(), formatVersion: 1)
        try DurableFile.writeAtomically(path, Array(try JSONEncoder.sorted.encode(meta)))
        return meta
    }
}
