import SQLSinkCore

/// Prepares an SQLite database for a query: the progress table, and the sink's table created or
/// checked against the query's output (`PRAGMA table_info` reports the declared types).
enum SQLiteTableSetup {
    static func prepare(_ db: SQLiteDatabase, _ spec: SQLTableSpec) throws {
        try db.execute(SQLProgressTable.createSQL(.sqlite), step: "creating \(SQLProgressTable.name)")
        let info = try db.prepare("PRAGMA table_info(\(spec.quotedTable))", step: "reading the columns of '\(spec.table)'")
        // (name, declared type, position in the primary key or 0)
        let columns = try info.rows { ($0.text(1), $0.text(2), $0.int64(5)) }
        if columns.isEmpty {
            try db.execute(spec.createTableSQL, step: "creating table '\(spec.table)'")
            return
        }
        try SQLSchemaCheck.check(spec, against: columns.map { SQLSchemaCheck.CatalogColumn(name: $0.0, type: $0.1) })
        guard spec.mode == .update else { return }
        // An INTEGER PRIMARY KEY is the rowid and has no index of its own: take the key from
        // table_info, and the unique indexes from index_list.
        var unique: [[String]] = [columns.filter { $0.2 > 0 }.sorted { $0.2 < $1.2 }.map(\.0)]
        let list = try db.prepare("PRAGMA index_list(\(spec.quotedTable))", step: "reading the indexes of '\(spec.table)'")
        for (name, isUnique) in try list.rows({ ($0.text(1), $0.int64(2)) }) where isUnique == 1 {
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let cols = try db.prepare("PRAGMA index_info(\(quoted))", step: "reading index '\(name)'")
            unique.append(try cols.rows { $0.text(2) })
        }
        try SQLSchemaCheck.checkUniqueKeys(spec, uniqueIndexes: unique)
    }

    /// The last batch id recorded for (query, table), or nil if none (or no progress table yet).
    static func lastAppliedBatchId(_ db: SQLiteDatabase, queryId: String, table: String) throws -> Int64? {
        let exists = try db.prepare(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(SQLProgressTable.name)'", step: "looking for \(SQLProgressTable.name)")
        guard try exists.rows({ $0.int64(0) }).first == 1 else { return nil }
        let read = try db.prepare(
            "SELECT batch_id FROM \(SQLProgressTable.name) WHERE query_id = ?1 AND table_name = ?2", step: "reading \(SQLProgressTable.name)")
        read.bind(1, text: queryId)
        read.bind(2, text: table)
        return try read.rows { $0.int64(0) }.first
    }
}
