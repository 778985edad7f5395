import Foundation
import SQLTestSupport
import SluiceSQLite
import Streaming
import Testing

/// The engine's start-up cross-check with a SQL sink: the table's `sluice_progress` row tells
/// which batch of the query it holds, so a database restored from an older copy is caught up
/// from the checkpoint's logged offsets instead of silently missing those batches.
@Suite struct SQLiteCrossCheckTests {
    private func run(_ input: String, _ db: String, _ checkpoint: String) throws {
        let schema = Schema([Field("id", .int64), Field("ts", .timestamp), Field("sensor", .string), Field("value", .double)])
        try StreamingSession().readStream.schema(schema).option(.maxFilesPerTrigger(1)).load(input)
            .writeStream.format(.sqlite(path: db, table: "readings", keys: [])).checkpointLocation(checkpoint)
            .trigger(.availableNow).start().awaitTermination()
    }

    @Test func aDatabaseRestoredFromAnOlderCopyIsCaughtUpOnRestart() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in", db = dir + "/dash.db", checkpoint = dir + "/cp"
        try writeSensorFiles(input, files: 2, rowsPerFile: 50)
        try run(input, db, checkpoint)
        // A consistent copy through SQLite itself: copying the -wal and -shm files beside the
        // database races with SQLite removing them when the sink's connection closes.
        _ = try sqliteRows(db, "VACUUM INTO '\(dir)/backup.db'")
        // Three more files (the first two are written again with the same rows: already read, not again).
        try writeSensorFiles(input, files: 5, rowsPerFile: 50)
        try run(input, db, checkpoint)
        #expect(try sqliteRows(db, "SELECT count(*), count(DISTINCT id) FROM readings") == ["250|250"])

        // The database loses batches 2-4 (restored from the copy taken after batch 1).
        try FileManager.default.removeItem(atPath: db)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        try FileManager.default.copyItem(atPath: dir + "/backup.db", toPath: db)
        #expect(try sqliteRows(db, "SELECT count(*) FROM readings") == ["100"])
        try run(input, db, checkpoint)
        #expect(try sqliteRows(db, "SELECT count(*), count(DISTINCT id) FROM readings") == ["250|250"])
    }
}
