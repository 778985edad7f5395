import Foundation
import Streaming

/// Where one round's table and checkpoint are, the operator's backups of them, and the
/// processes running beside its workers.
struct RoundState {
    let dir: String
    let table: String
    /// Changes when the round starts over on a new checkpoint (a refusal that leaves no other way).
    private(set) var checkpoint: String
    private var generation = 1
    /// A copy of the checkpoint / table taken after an earlier kill, for a later restore.
    var checkpointBackup: String?
    var tableBackup: String?
    var companions = Companions()

    init(dir: String) {
        self.dir = dir
        table = FilePaths.join(dir, "table")
        checkpoint = FilePaths.join(dir, "checkpoint")
    }

    func path(_ name: String) -> String { FilePaths.join(dir, name) }

    /// Deletes the table and moves to a new checkpoint, as README "Semantics and guarantees"
    /// advises when the checkpoint can no longer rebuild the table. Backups of the old ones
    /// belong to another query id and would duplicate rows, so they go too.
    mutating func startOver() throws {
        try Directories.remove(table)
        try Directories.remove(checkpoint)
        generation += 1
        checkpoint = FilePaths.join(dir, "checkpoint-\(generation)")
        try dropBackups()
    }

    mutating func dropBackups() throws {
        for b in [checkpointBackup, tableBackup].compactMap({ $0 }) { try Directories.remove(b) }
        checkpointBackup = nil
        tableBackup = nil
    }
}

/// Whole-directory operations for backups and restores (an operator's `cp -a`, `rm -r`, `mv`).
enum Directories {
    static func copy(_ from: String, to: String) throws {
        try remove(to)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    static func remove(_ path: String) throws {
        if FileSystem.exists(path) { try FileSystem.removeTree(path) }
    }

    static func move(_ from: String, to: String) throws {
        try remove(to)
        try FileSystem.rename(from, to)
    }

    /// Every regular file under `root` with its size, sorted: equal before and after an operation
    /// that must change nothing.
    static func fingerprint(_ root: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = FilePaths.join(root, relative)
            guard !FileSystem.isDirectory(path) else { continue }
            files.append("\(relative) \(try FileSystem.attributes(path).size)")
        }
        return files.sorted()
    }
}
