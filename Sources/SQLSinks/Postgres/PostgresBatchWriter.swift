import Columnar
import PostgresNIO
import SQLSinkCore
import Sinks
import Formats

/// How a PostgreSQL sink sends rows.
public enum PostgresWriteMethod: String, Sendable, CaseIterable {
    /// `COPY ... FROM STDIN` in text format: one statement streams the whole batch.
    case copy
    /// Multi-row `INSERT ... VALUES` with bound parameters, up to 65535 values a statement
    /// (the protocol's limit); kept to measure COPY against.
    case insert
}

/// Applies one batch in one transaction, exactly once per (query, table).
///
/// 1. `BEGIN`; make sure the progress row exists, then lock it (`SELECT ... FOR UPDATE`), so a
///    second writer of the same query waits here instead of applying the batch too.
/// 2. If the stored batch id is at or past this one, the batch was applied before a crash:
///    roll back and skip.
/// 3. Write the rows (append: COPY into the table; complete: `DELETE` then COPY, so readers
///    see the old table until the commit, never an empty one; update: COPY into a temporary
///    table, then one `INSERT ... ON CONFLICT (keys) DO UPDATE`).
/// 4. Store the batch id in the progress row and `COMMIT`: rows and id become visible together.
struct PostgresBatchWriter: Sendable {
    let db: PostgresStatements
    let spec: SQLTableSpec
    let queryId: String
    let method: PostgresWriteMethod
    let trace: PhaseTrace?

    static let stagingTable = "sluice_stage"
    /// Rows encoded per COPY data message group, so a large batch is not held twice in memory.
    static let copyChunkRows = 8192

    /// True if the batch was applied, false if it had been applied already.
    func apply(batchId: Int64, batch: RecordBatch) async throws -> Bool {
        try await db.execute("BEGIN", step: "starting the transaction of batch \(batchId)")
        do {
            let ids = PostgresStatements.binds(queryId, spec.table)
            try await db.execute(
                "INSERT INTO \(SQLProgressTable.name) (query_id, table_name, batch_id) VALUES ($1, $2, -1) ON CONFLICT DO NOTHING",
                ids, step: "recording the query in \(SQLProgressTable.name)")
            let stored = try await db.column(
                "SELECT batch_id FROM \(SQLProgressTable.name) WHERE query_id = $1 AND table_name = $2 FOR UPDATE",
                ids, as: Int64.self, step: "locking the progress row").first ?? -1
            if stored >= batchId {
                try await db.execute("ROLLBACK", step: "ending the skipped batch \(batchId)")
                return false
            }
            trace?.enter(.sinkDataFiles, batch: batchId)
            try await writeRows(batch, batchId: batchId)
            var done = ids
            done.append(batchId)
            try await db.execute(
                "UPDATE \(SQLProgressTable.name) SET batch_id = $3, updated_at = now() WHERE query_id = $1 AND table_name = $2",
                done, step: "recording batch \(batchId) in \(SQLProgressTable.name)")
            trace?.enter(.sinkLogCommit, batch: batchId)
            try await db.execute("COMMIT", step: "committing batch \(batchId)")
            return true
        } catch {
            // A dropped connection has no transaction left to roll back; the server did that.
            try? await db.execute("ROLLBACK", step: "rolling back batch \(batchId)")
            throw error
        }
    }

    private func writeRows(_ batch: RecordBatch, batchId: Int64) async throws {
        switch spec.mode {
        case .append:
            try await load(batch, into: spec.table, batchId: batchId)
        case .complete:
            try await db.execute("DELETE FROM \(spec.quotedTable)", step: "clearing '\(spec.table)' for the complete result of batch \(batchId)")
            try await load(batch, into: spec.table, batchId: batchId)
        case .update:
            let rows = UpdateBatchKeys.lastRowPerKey(batch, keyIndices: spec.keyIndices)
            guard rows.rowCount > 0 else { return }
            switch method {
            case .copy:
                try await db.execute(
                    "CREATE TEMP TABLE \(Self.stagingTable) ON COMMIT DROP AS SELECT \(spec.columnList) FROM \(spec.quotedTable) WITH NO DATA",
                    step: "creating the staging table of batch \(batchId)")
                try await copy(rows, into: Self.stagingTable, batchId: batchId)
                try await db.execute(
                    spec.upsertSQL(rows: "SELECT \(spec.columnList) FROM \(Self.stagingTable)"),
                    step: "upserting batch \(batchId) into '\(spec.table)'")
            case .insert:
                try await insert(rows, batchId: batchId) { spec.upsertSQL(rows: $0) }
            }
        }
    }

    private func load(_ batch: RecordBatch, into table: String, batchId: Int64) async throws {
        guard batch.rowCount > 0 else { return }
        switch method {
        case .copy: try await copy(batch, into: table, batchId: batchId)
        case .insert: try await insert(batch, batchId: batchId) { "INSERT INTO \(spec.quotedTable) (\(spec.columnList)) \($0)" }
        }
    }

    private func copy(_ batch: RecordBatch, into table: String, batchId: Int64) async throws {
        do {
            try await db.connection.copyFrom(table: table, columns: spec.schema.names, logger: db.logger) { writer in
                var start = 0
                while start < batch.rowCount {
                    let end = min(start + Self.copyChunkRows, batch.rowCount)
                    var bytes: [UInt8] = []
                    CopyTextEncoder.encode(batch, rows: start..<end, into: &bytes)
                    try await writer.write(ByteBuffer(bytes: bytes))
                    start = end
                }
            }
        } catch {
            throw PostgresErrorText.sinkError(error, step: "copying batch \(batchId) into '\(table)'")
        }
    }

    private func insert(_ batch: RecordBatch, batchId: Int64, statement: (String) -> String) async throws {
        let columns = spec.schema.fields
        let rowsPerStatement = max(1, min(1000, Int(UInt16.max) / columns.count))
        var start = 0
        while start < batch.rowCount {
            let end = min(start + rowsPerStatement, batch.rowCount)
            var binds = PostgresBindings(capacity: (end - start) * columns.count)
            var values = "VALUES "
            var n = 0
            for r in start..<end {
                values += r == start ? "(" : ", ("
                for (c, column) in batch.columns.enumerated() {
                    n += 1
                    values += (c == 0 ? "" : ", ") + "$\(n)::\(spec.dialect.columnType(columns[c].type))"
                    PostgresBindValue.append(column, r, to: &binds)
                }
                values += ")"
            }
            try await db.execute(statement(values), binds, step: "inserting rows of batch \(batchId) into '\(spec.table)'")
            start = end
        }
    }
}

/// One cell as a bound parameter: native types for numbers, booleans and text, and the text
/// form (cast by the placeholder) for timestamps and dates.
enum PostgresBindValue {
    static func append(_ column: Column, _ i: Int, to binds: inout PostgresBindings) {
        guard column.isValid(i) else {
            binds.appendNull()
            return
        }
        switch column.type {
        case .bool: binds.append(column.boolValues[i])
        case .int64: binds.append(column.int64Values[i])
        case .double: binds.append(column.doubleValues[i])
        case .string: binds.append(column.stringValues[i])
        case .timestamp: binds.append(SQLTimeText.timestamp(column.int64Values[i], postgresZone: true))
        case .date: binds.append(SQLTimeText.date(column.int32Values[i], postgres: true))
        }
    }
}
