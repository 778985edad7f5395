import Columnar

/// What a merge on key columns changed.
package struct DeltaMergePlan {
    /// Files holding a row whose key the batch replaces: removed by the commit.
    package var rewritten: [DeltaAddFile] = []
    /// The new files: the rewritten files' other rows, plus the batch.
    package var adds: [DeltaAddFile] = []
}

extension DeltaSnapshot {
    /// Upserts `batch` by `keys` (update mode): every row of the table whose key appears in
    /// the batch is replaced by the batch's row (the last one if a key repeats). Files that may
    /// hold such keys are found through partition pruning and key statistics; only files that
    /// really hold one are rewritten (copy on write), and the new files are written before this
    /// returns. The caller commits removes of `rewritten` and the `adds` in one commit.
    package func planMerge(_ batch: RecordBatch, keys: [String], writer: DeltaFileWriter) throws -> DeltaMergePlan {
        let keyIndex = try keys.map { try batch.schema.require($0) }
        // The batch's keys interned in the engine's key table (the aggregation's layout, so a
        // NaN key matches NaN and -0.0 matches 0.0, as Spark's equality does for merge keys).
        // Last occurrence of each key wins.
        var batchKeys = GroupKeyTable(capacity: batch.rowCount)
        var lastRow: [Int] = []
        GroupKeyBatch.forEachBlock(count: batch.rowCount, columns: keyIndex.map { batch.columns[$0] }) { encoded, first in
            for k in 0..<encoded.count {
                let g = Int(encoded.withKey(k) { batchKeys.findOrInsert($0) })
                if g == lastRow.count { lastRow.append(first + k) } else { lastRow[g] = first + k }
            }
        }
        let incoming = lastRow.count == batch.rowCount ? batch : batch.take(lastRow.sorted())

        var metrics = DeltaScanMetrics()
        let candidates = try selectFiles(where: Self.mergePredicate(incoming, keys: keys, partitionColumns: partitionColumns), metrics: &metrics)
        var plan = DeltaMergePlan()
        var kept: [RecordBatch] = []
        for f in candidates {
            let rows = try readFiles([f], columns: schema.names, metrics: &metrics)
            let columns = try keys.map { try rows.column($0) }
            var keep = [Bool](repeating: true, count: rows.rowCount)
            GroupKeyBatch.forEachBlock(count: rows.rowCount, columns: columns) { encoded, first in
                for k in 0..<encoded.count where encoded.withKey(k, { batchKeys.find($0) }) >= 0 { keep[first + k] = false }
            }
            guard keep.contains(false) else { continue }
            plan.rewritten.append(f)
            kept.append(rows.filter(keep))
        }
        let all = try RecordBatch.concat(kept + [try incoming.project(schema.names)], schema: schema)
        plan.adds = try writer.write(all)
        return plan
    }

    /// A predicate true for every row that could share a key with `batch`: each key column
    /// within the batch's min...max (partition key columns prune whole partitions).
    private static func mergePredicate(_ batch: RecordBatch, keys: [String], partitionColumns: [String]) throws -> Expr? {
        var parts: [Expr] = []
        for k in keys {
            let c = try batch.column(k)
            var lo: Value = .null, hi: Value = .null
            for i in 0..<c.count where c.isValid(i) {
                let v = c[i]
                if lo == .null || Value.compare(v, lo) < 0 { lo = v }
                if hi == .null || Value.compare(v, hi) > 0 { hi = v }
            }
            // A null key only matches rows whose key is null, which min/max cannot bound.
            guard c.nullCount == 0, lo != .null else { continue }
            parts.append(lo == hi ? col(k) == lit(lo) : col(k) >= lit(lo) && col(k) <= lit(hi))
        }
        return parts.reduce(nil) { acc, e in acc.map { $0 && e } ?? e }
    }
}
