import Streaming

/// The batches of a query a Delta table holds, read from its history: each commit of the
/// stream adds its batch (`txn` version), a `STREAMING ROLLBACK` takes back those after its
/// target. This stands in for comparing table versions when other writers' commits (optimize,
/// rollbacks, replays) are in the history: a batch committed twice, out of order or not at all
/// still shows.
enum AppliedBatches {
    /// The batches in order, or the first version that commits a batch again or out of order.
    static func read(table: String, queryId: String) throws -> Result<[Int64], TortureError> {
        var applied: [Int64] = []
        for entry in try DeltaTable(path: table).history().reversed() {
            guard let batch = entry.transactions.first(where: { $0.appId == queryId })?.version else { continue }
            switch entry.commitInfo?.operation {
            case "STREAMING ROLLBACK":
                applied.removeAll { $0 > batch }
            default:
                guard batch > (applied.last ?? -1) else {
                    return .failure(TortureError("version \(entry.version) commits batch \(batch) after batch \(applied.last!) was already in the table"))
                }
                applied.append(batch)
            }
        }
        return .success(applied)
    }
}
