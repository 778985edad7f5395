import Foundation
import Streaming

/// Checks that a refusal of `sluice recover` names a real, documented reason (docs/RELIABILITY.md,
/// "What `sluice recover` can and cannot repair"), not just that it refused.
enum RecoverRefusal {
    /// The cause named in `message`, confirmed against the table; nil when none is, or the one
    /// named is not so (a version that is not another writer's, a file that still exists).
    static func cause(of message: String, table: String) throws -> String? {
        if let m = message.firstMatch(of: /version (\d+) \(([^)]*)\) by another writer/), let version = Int64(m.1) {
            let operation = String(m.2)
            let info = try DeltaTable(path: table).commitActions(version: version)?.compactMap { a -> DeltaCommitInfo? in
                if case .commitInfo(let c) = a { return c }
                return nil
            }.first
            guard let info, info.operation == operation, operation != "STREAMING UPDATE" else { return nil }
            return "another writer's \(operation) commit"
        }
        if let m = message.firstMatch(of: /: ([^ ,]+), which the rollback must bring back, was deleted/) {
            let path = String(m.1)
            return FileSystem.exists(FilePaths.join(table, path.removingPercentEncoding ?? path)) ? nil : "a vacuumed file"
        }
        if message.contains("was removed by log cleanup") { return "a commit removed by log cleanup" }
        return nil
    }
}
