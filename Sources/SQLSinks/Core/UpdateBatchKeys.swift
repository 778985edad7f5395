import Columnar

/// An upsert may touch a key once per statement (PostgreSQL refuses a second change of the same
/// row in one `INSERT ... ON CONFLICT`), so a batch with a key twice keeps only its last row:
/// the row an update applied in order would have left.
public enum UpdateBatchKeys {
    /// `batch` itself when its keys are unique, else the last row of each key, in row order.
    public static func lastRowPerKey(_ batch: RecordBatch, keyIndices: [Int]) -> RecordBatch {
        guard batch.rowCount > 1 else { return batch }
        var lastRow = [[Value]: Int](minimumCapacity: batch.rowCount)
        for r in 0..<batch.rowCount {
            lastRow[keyIndices.map { batch.columns[$0][r] }] = r
        }
        if lastRow.count == batch.rowCount { return batch }
        return batch.take(lastRow.values.sorted())
    }
}
