import CSQLite
import SQLSinkCore

/// A connection to an SQLite database file, through the system's libsqlite3.
///
/// Not thread-safe by itself; its owner serialises calls.
final class SQLiteDatabase {
    let path: String
    private var handle: OpaquePointer?

    /// Opens (creating if absent) `path` in WAL mode, so dashboard readers and the sink's writer
    /// do not block each other, with `synchronous=FULL`: a commit is on disk before the engine
    /// records the batch as done, which exactly-once depends on.
    init(path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        handle = db
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            handle = nil
            throw SQLSinkError.database(step: "opening SQLite database '\(path)'", message: message)
        }
        sqlite3_busy_timeout(db, 30_000)
        try execute("PRAGMA journal_mode=WAL", step: "switching '\(path)' to WAL")
        try execute("PRAGMA synchronous=FULL", step: "setting synchronous=FULL")
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String, step: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastError
            sqlite3_free(error)
            throw SQLSinkError.database(step: step, message: message)
        }
    }

    func prepare(_ sql: String, step: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw SQLSinkError.database(step: step, message: lastError)
        }
        return SQLiteStatement(db: self, stmt: stmt, step: step)
    }

    var lastError: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no database" }
}

/// A prepared statement: bind, step, reset.
final class SQLiteStatement {
    private let db: SQLiteDatabase
    let stmt: OpaquePointer
    let step: String

    /// Tells SQLite to copy bound text before the call returns.
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }

    init(db: SQLiteDatabase, stmt: OpaquePointer, step: String) {
        self.db = db
        self.stmt = stmt
        self.step = step
    }

    deinit { sqlite3_finalize(stmt) }

    func bindNull(_ i: Int32) { sqlite3_bind_null(stmt, i) }
    func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(stmt, i, v) }
    /// SQLite stores NaN as NULL.
    func bind(_ i: Int32, _ v: Double) { sqlite3_bind_double(stmt, i, v) }

    func bind(_ i: Int32, text: UnsafeBufferPointer<UInt8>) {
        // A nil pointer would bind NULL, so an empty string gets a real (empty) one.
        if let base = text.baseAddress, text.count > 0 {
            base.withMemoryRebound(to: CChar.self, capacity: text.count) {
                _ = sqlite3_bind_text(stmt, i, $0, Int32(text.count), Self.transient)
            }
        } else {
            sqlite3_bind_text(stmt, i, "", 0, Self.transient)
        }
    }

    func bind(_ i: Int32, text: String) {
        var s = text
        s.withUTF8 { bind(i, text: $0) }
    }

    /// Runs the statement to completion (for statements without result rows), then resets it.
    func run() throws {
        defer { sqlite3_reset(stmt) }
        let rc = sqlite3_step(stmt)
        if rc != SQLITE_DONE && rc != SQLITE_ROW { throw SQLSinkError.database(step: step, message: db.lastError) }
    }

    /// Every result row, each read by `row` while the statement is on it; then resets.
    func rows<T>(_ row: (SQLiteStatement) -> T) throws -> [T] {
        defer { sqlite3_reset(stmt) }
        var out: [T] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return out }
            guard rc == SQLITE_ROW else { throw SQLSinkError.database(step: step, message: db.lastError) }
            out.append(row(self))
        }
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }
    func text(_ column: Int32) -> String {
        sqlite3_column_text(stmt, column).map { String(cString: $0) } ?? ""
    }
}
