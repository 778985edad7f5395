import Foundation
import Streaming

/// The uninterrupted run's table, which every round is compared with.
struct ReferenceTable {
    var contents: TableContents
    /// The reference query's last batch in its table (its `txn`).
    var lastBatch: Int64
    /// The batches that wrote rows, one commit each.
    var appliedBatches: [Int64]
}

/// The end-of-round checks of a table: every file its log references exists, its history holds
/// the reference's batches of the query, each once, and its rows are the reference's (with the
/// days replays rewrote as the replay rules say), none missing and none twice. The table version
/// must also equal the reference's when the history holds only the stream's appends.
struct RoundCheck {
    let query: TortureQuery
    let reference: ReferenceTable
    let events: [[DatasetSpec.Event]]

    /// Failures (empty: the round is right); counts replays and other writers' commits in `tally`.
    func run(table: String, checkpoint: String, tally: inout OperatorTally) throws -> [String] {
        let delta = DeltaTable(path: table)
        let snapshot = try delta.snapshot()
        let missingFiles = snapshot.addFiles.map(\.path).filter { path in
            !FileSystem.exists(FilePaths.join(table, path.removingPercentEncoding ?? path))
        }
        if !missingFiles.isEmpty {
            return ["\(missingFiles.count) file(s) the table's version \(snapshot.version) references do not exist, e.g. \(missingFiles[0])"]
        }
        var failures: [String] = []
        let queryId = try CheckpointInspector(checkpoint).status().queryId
        let lastBatch = snapshot.transactionVersion(queryId) ?? -1
        if lastBatch != reference.lastBatch {
            failures.append("the table holds batch \(lastBatch) of the query as its last, the reference \(reference.lastBatch)")
        }
        switch try AppliedBatches.read(table: table, queryId: queryId) {
        case .failure(let e): failures.append("the table's history: \(e)")
        case .success(let applied) where applied != reference.appliedBatches:
            let lacking = Set(reference.appliedBatches).subtracting(applied).sorted()
            let more = Set(applied).subtracting(reference.appliedBatches).sorted()
            failures.append("the table's history holds other batches than the reference's: lacking \(lacking), more \(more)")
        case .success: break
        }

        let history = try delta.history().reversed()
        let onlyStreamAppends = history.allSatisfy { $0.commitInfo?.operation == "STREAMING UPDATE" && $0.removedFiles == 0 }
        if !onlyStreamAppends { tally.roundsWithOtherCommits += 1 }
        var lastReplay: [Int32: Int64] = [:]
        for entry in history {
            guard let p = entry.commitInfo?.operationParameters, let from = p["replayFrom"].flatMap(Dates.parse),
                let to = p["replayTo"].flatMap(Dates.parse), let batch = p["streamBatchId"].flatMap({ Int64($0) })
            else { continue }
            guard query != .dedup else {
                return failures + ["version \(entry.version) is a replay, but replays of dropDuplicatesWithinWatermark are refused"]
            }
            for day in from..<to { lastReplay[day] = batch }
        }
        tally.replaysInFinalTables += history.filter { $0.commitInfo?.operationParameters["replayFrom"] != nil }.count

        let actual = try TableContents(table)
        let expected: [String]
        if query == .windowed && !lastReplay.isEmpty {
            let rows = try WindowedReplayModel(events: events).expectedRows(reference: reference.contents, lastReplay: lastReplay)
            expected = rows.map(reference.contents.render)
            tally.replayedWindowsUnlikeTheStream += TableComparison(
                expectedRows: reference.contents.rendered, expectedVersion: nil, rows: expected).extra.count
        } else {
            // A replay of the stateless query rewrites its days row for row.
            expected = reference.contents.rendered
        }
        guard actual.names == reference.contents.names else {
            return failures + ["the table's columns \(actual.names) are not the reference's \(reference.contents.names)"]
        }
        let comparison = TableComparison(
            expectedRows: expected, expectedVersion: onlyStreamAppends ? reference.contents.version : nil, actual: actual)
        if !comparison.ok {
            failures.append("the table differs from what it must hold (\(comparison.actualRows) rows, expected \(comparison.expectedRows)):")
            failures += comparison.report()
        }
        return failures
    }
}
