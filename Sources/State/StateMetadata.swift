import Columnar
import Formats
import Foundation

/// The `_metadata` JSON of one operator's state: what every later run must agree with.
///
/// Format 2 keys entries by their `GroupKeyBatch` bytes (format 1: `RowCodec` bytes). Format 1
/// state is refused rather than converted: a key's partition is the hash of its bytes, so
/// converting means rewriting every partition of the state at once, and no released Sluice
/// has format 1 checkpoints to migrate.
struct StateMetadata: Codable, Equatable, Sendable {
    static let currentFormatVersion = 2

    var formatVersion: Int
    var operatorId: Int
    var numPartitions: Int
    var keySchema: Schema
    var valueSchema: Schema

    /// The metadata at `path`, or nil if none was written yet.
    static func read(_ path: String) throws -> StateMetadata? {
        guard let bytes = try Storage.at(path).readIfPresent(path) else { return nil }
        let meta: StateMetadata
        do {
            meta = try JSONDecoder().decode(StateMetadata.self, from: Data(bytes))
        } catch {
            throw StateStoreError.invalidMetadata(path: path, reason: "not valid state metadata JSON (\(error))")
        }
        guard meta.formatVersion <= currentFormatVersion else {
            throw StateStoreError.unsupportedFormatVersion(
                path: path, found: meta.formatVersion, supported: currentFormatVersion)
        }
        guard meta.formatVersion == currentFormatVersion else {
            throw StateStoreError.outdatedFormatVersion(path: path, found: meta.formatVersion, current: currentFormatVersion)
        }
        guard meta.numPartitions >= 1 else {
            throw StateStoreError.invalidMetadata(path: path, reason: "numPartitions is \(meta.numPartitions)")
        }
        return meta
    }

    func write(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try Storage.at(path).writeAtomically(path, Array(try encoder.encode(self)), role: .restricted)
    }

    /// Throws unless rows written under the stored schemas can be read under these.
    ///
    /// Names may differ and a non-null field may become nullable (as Spark allows), because
    /// neither changes the encoded bytes; a type change or a nullable field becoming
    /// non-null would misread or violate stored rows.
    func checkCompatible(keySchema: Schema, valueSchema: Schema, directory: String) throws {
        for (which, stored, current) in [("key", self.keySchema, keySchema), ("value", self.valueSchema, valueSchema)] {
            let compatible = stored.count == current.count
                && zip(stored.fields, current.fields).allSatisfy { s, c in
                    s.type == c.type && (!s.nullable || c.nullable)
                }
            if !compatible {
                throw StateStoreError.schemaMismatch(directory: directory, which: which, stored: stored, current: current)
            }
        }
    }
}
