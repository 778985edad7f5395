import Columnar
import Formats
import SQLSinkCore

/// Applies one batch in one SQLite transaction, exactly once per (query, table).
///
/// `BEGIN IMMEDIATE` takes the database's write lock first (SQLite's counterpart of locking
/// the progress row), then the stored batch id decides: at or past this batch, roll back and
/// skip; otherwise write the rows (append: insert; complete: delete all, then insert; update:
/// `INSERT ... ON CONFLICT (keys) DO UPDATE`), store the id and commit, all or nothing.
struct SQLiteBatchWriter {
    let db: SQLiteDatabase
    let spec: SQLTableSpec
    let queryId: String
    let trace: PhaseTrace?

    /// True if the batch was applied, false if it had been applied already.
    func apply(batchId: Int64, batch: RecordBatch) throws -> Bool {
        try db.execute("BEGIN IMMEDIATE", step: "starting the transaction of batch \(batchId)")
        do {
            let ensure = try db.prepare(
                "INSERT INTO \(SQLProgressTable.name) (query_id, table_name, batch_id) VALUES (?1, ?2, -1) ON CONFLICT DO NOTHING",
                step: "recording the query in \(SQLProgressTable.name)")
            ensure.bind(1, text: queryId)
            ensure.bind(2, text: spec.table)
            try ensure.run()
            let read = try db.prepare(
                "SELECT batch_id FROM \(SQLProgressTable.name) WHERE query_id = ?1 AND table_name = ?2", step: "reading the progress row")
            read.bind(1, text: queryId)
            read.bind(2, text: spec.table)
            let stored = try read.rows { $0.int64(0) }.first ?? -1
            if stored >= batchId {
                try db.execute("ROLLBACK", step: "ending the skipped batch \(batchId)")
                return false
            }
            trace?.enter(.sinkDataFiles, batch: batchId)
            try writeRows(batch, batchId: batchId)
            let done = try db.prepare(
                "UPDATE \(SQLProgressTable.name) SET batch_id = ?3, updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE query_id = ?1 AND table_name = ?2",
                step: "recording batch \(batchId) in \(SQLProgressTable.name)")
            done.bind(1, text: queryId)
            done.bind(2, text: spec.table)
            done.bind(3, batchId)
            try done.run()
            trace?.enter(.sinkLogCommit, batch: batchId)
            try db.execute("COMMIT", step: "committing batch \(batchId)")
            return true
        } catch {
            try? db.execute("ROLLBACK", step: "rolling back batch \(batchId)")
            throw error
        }
    }

    private func writeRows(_ batch: RecordBatch, batchId: Int64) throws {
        let placeholders = "VALUES (" + (1...spec.schema.count).map { "?\($0)" }.joined(separator: ", ") + ")"
        let sql: String
        let rows: RecordBatch
        switch spec.mode {
        case .append:
            sql = "INSERT INTO \(spec.quotedTable) (\(spec.columnList)) \(placeholders)"
            rows = batch
        case .complete:
            try db.execute("DELETE FROM \(spec.quotedTable)", step: "clearing '\(spec.table)' for the complete result of batch \(batchId)")
            sql = "INSERT INTO \(spec.quotedTable) (\(spec.columnList)) \(placeholders)"
            rows = batch
        case .update:
            sql = spec.upsertSQL(rows: placeholders)
            rows = UpdateBatchKeys.lastRowPerKey(batch, keyIndices: spec.keyIndices)
        }
        guard rows.rowCount > 0 else { return }
        let insert = try db.prepare(sql, step: "writing batch \(batchId) into '\(spec.table)'")
        var scratch: [UInt8] = []
        for r in 0..<rows.rowCount {
            for (c, column) in rows.columns.enumerated() {
                bind(column, r, at: Int32(c + 1), on: insert, scratch: &scratch)
            }
            try insert.run()
        }
    }

    /// Timestamps and dates go in as text (see `SQLDialect.columnType`), booleans as 0 and 1.
    private func bind(_ column: Column, _ i: Int, at p: Int32, on s: SQLiteStatement, scratch: inout [UInt8]) {
        guard column.isValid(i) else { return s.bindNull(p) }
        switch column.values {
        case .bool(let a): s.bind(p, Int64(a[i] ? 1 : 0))
        case .int64(let a):
            if column.type == .timestamp {
                scratch.removeAll(keepingCapacity: true)
                SQLTimeText.appendTimestamp(a[i], postgresZone: false, into: &scratch)
                scratch.withUnsafeBufferPointer { s.bind(p, text: $0) }
            } else {
                s.bind(p, a[i])
            }
        case .int32(let a):
            scratch.removeAll(keepingCapacity: true)
            SQLTimeText.appendDate(a[i], postgres: false, into: &scratch)
            scratch.withUnsafeBufferPointer { s.bind(p, text: $0) }
        case .double(let a): s.bind(p, a[i])
        case .string(let a): a.withBytes(i) { s.bind(p, text: $0) }
        }
    }
}
