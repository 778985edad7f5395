import CSQLite
import Foundation
import SQLTestSupport
import Streaming
import Testing

/// Gives a suite one PostgreSQL server of its own for all its tests (`PostgresServer`), stopped
/// when the suite ends. A server that cannot start fails the suite.
struct PostgresServerScope: SuiteTrait, TestScoping {
    @TaskLocal static var server: PostgresServer?
    var tls = false

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try PostgresServer.start(tls: tls)
        defer { server.stop() }
        try await Self.$server.withValue(server) { try await function() }
    }
}

extension Trait where Self == PostgresServerScope {
    static var postgresServer: Self { PostgresServerScope() }
    /// A server that also speaks TLS, where role `tls_only` may log in only over TLS.
    static var postgresServerWithTLS: Self { PostgresServerScope(tls: true) }
}

/// Locally, suites needing PostgreSQL are skipped when its binaries are absent; in CI they run
/// and fail instead.
let postgresRunnable = PostgresServer.binaries != nil || PostgresServer.isCI
let postgresSkipReason: Comment = "PostgreSQL server binaries absent (apt-get install postgresql); in CI this fails instead"

func currentServer() throws -> PostgresServer { try #require(PostgresServerScope.server, "no PostgreSQL server in scope") }

/// A table name no other test uses.
func uniqueTable(_ prefix: String) -> String { prefix + "_" + UUID().uuidString.prefix(8).lowercased() }

func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "sluice-sql-" + UUID().uuidString.lowercased()
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// The schema most sink tests write: one column of every type.
let everyType = Schema([
    Field("id", .int64, nullable: false), Field("ts", .timestamp), Field("name", .string), Field("score", .double),
    Field("ok", .bool), Field("day", .date),
])

let t0 = Timestamps.make(year: 2026, month: 11, day: 25, hour: 10)

/// Rows of `everyType` with ids `ids`; `salt` changes the non-key values.
func everyTypeBatch(_ ids: [Int64], salt: Int64 = 0) throws -> RecordBatch {
    try RecordBatch.fromRows(ids.map { id in
        [.int64(id), .timestamp(t0 + id * 1_000_001), id % 5 == 4 ? .null : .string("n\(id)-\(salt)"),
         .double(Double(id) * 0.5 + Double(salt)), .bool(id % 2 == 0), .date(Int32(20_000 + id))]
    }, schema: everyType)
}

func context(_ queryId: String, _ mode: OutputMode, _ schema: Schema = everyType) -> SinkContext {
    SinkContext(queryId: queryId, queryName: nil, outputMode: mode, schema: schema)
}

/// Rows of an SQLite query, columns joined by `|`, as psql -At prints them.
func sqliteRows(_ path: String, _ sql: String) throws -> [String] {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
        throw HarnessErrorText("cannot open \(path)")
    }
    defer { sqlite3_close(db) }
    // The writer's last connection closing checkpoints the WAL under an exclusive lock for a
    // moment; a reader waits that out, as a dashboard should.
    sqlite3_busy_timeout(db, 10_000)
    var stmt: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else {
        throw HarnessErrorText("\(sql): \(String(cString: sqlite3_errmsg(db)))")
    }
    defer { sqlite3_finalize(stmt) }
    var rows: [String] = []
    while true {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_DONE { return rows }
        guard rc == SQLITE_ROW else { throw HarnessErrorText("\(sql): \(String(cString: sqlite3_errmsg(db)))") }
        rows.append((0..<sqlite3_column_count(stmt)).map { c in
            sqlite3_column_text(stmt, c).map { String(cString: $0) } ?? ""
        }.joined(separator: "|"))
    }
}

struct HarnessErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Input files for the kill tests: `files` JSON-lines files of `rowsPerFile` sensor readings,
/// event time moving forward 2 s a row, so the update query's windows close as it goes.
func writeSensorFiles(_ dir: String, files: Int, rowsPerFile: Int) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let sensors = ["s0", "s1", "s2", "tab\\tand\\\\slash"]
    var id = 0
    for f in 0..<files {
        var text = ""
        for _ in 0..<rowsPerFile {
            let ts = Timestamps.format(t0 + Int64(id) * 2_000_000)
            text += "{\"id\":\(id),\"ts\":\"\(ts)\",\"sensor\":\"\(sensors[id % sensors.count])\",\"value\":\(Double(id % 7) * 1.25)}\n"
            id += 1
        }
        try text.write(toFile: dir + "/part-\(String(format: "%04d", f)).jsonl", atomically: true, encoding: .utf8)
    }
}
