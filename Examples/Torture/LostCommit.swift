import Streaming

/// Simulates an operator's loss between two worker runs: the table's newest commit file goes
/// (as from a restore of a slightly older backup). The next worker must notice that the table is
/// behind its checkpoint and re-apply the batch (docs/RELIABILITY.md, "Operator scenarios").
enum LostCommit {
    /// Deletes the newest `_delta_log/<version>.json` and returns its version; nil when there is
    /// none, when a log checkpoint covers it (the table would not lose anything), or when it
    /// removed files (an optimize, a rollback, a replay): a real backup restore would bring those
    /// files back, and a forced vacuum may have deleted them since.
    static func removeNewest(table: String) throws -> Int64? {
        let log = FilePaths.join(table, "_delta_log")
        guard FileSystem.isDirectory(log) else { return nil }
        let names = try FileSystem.list(log)
        let versions = names.compactMap { n -> Int64? in n.hasSuffix(".json") && n.count == 25 ? Int64(n.prefix(20)) : nil }
        guard let newest = versions.max() else { return nil }
        let name = String(repeating: "0", count: 20 - String(newest).count) + String(newest)
        if names.contains(name + ".checkpoint.parquet") { return nil }
        let actions = try DeltaTable(path: table).commitActions(version: newest) ?? []
        if actions.contains(where: { if case .remove = $0 { return true } else { return false } }) { return nil }
        try FileSystem.remove(FilePaths.join(log, name + ".json"))
        return newest
    }
}
