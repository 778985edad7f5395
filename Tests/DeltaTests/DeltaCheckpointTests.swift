import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// Checkpoints: written every N commits, used by readers, interoperable with delta-rs.
@Suite(.serialized) struct DeltaCheckpointTests {
    /// 25 appends (ids 0..<250) into a table with the default interval (10).
    func table(_ dir: DeltaTempDir, commits: Int = 25) throws -> RecordBatch {
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        for b in 0..<commits { try sink.addBatch(Int64(b), logRows(b * 10, 10)) }
        return try RecordBatch.concat((0..<commits).map { logRows($0 * 10, 10) }, schema: logSchema)
    }

    func dropJSON(_ dir: DeltaTempDir, before version: Int64) throws {
        let log = DeltaLog(tablePath: dir.sub("t"))
        for v in 0..<version { try FileSystem.remove(log.commitPath(v)) }
    }

    @Test func checkpointsEveryTenCommitsAndReadersUseThem() throws {
        let dir = DeltaTempDir()
        let all = try table(dir)
        let log = DeltaLog(tablePath: dir.sub("t"))
        #expect(try log.list().checkpoints == [10, 20])
        #expect(log.lastCheckpointVersion() == 20)
        let full = try DeltaTable(path: dir.sub("t")).snapshot()
        // With the JSON before the checkpoint gone, the checkpoint alone must rebuild the state.
        try dropJSON(dir, before: 20)
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 24)
        #expect(snap.files == full.files)
        #expect(snap.transactions.mapValues(\.version) == ["q": 24])
        #expect(snap.metadata == full.metadata && snap.tableProtocol == full.tableProtocol)
        #expect(sortedRows(try snap.read().batch) == sortedRows(all))
        // A restarted sink still recognises its batches.
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        try sink.addBatch(24, logRows(0, 10))
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 24)
        // Time travel before the checkpoint is no longer possible, and says why.
        #expect(throws: DeltaError.self) { try DeltaTable(path: dir.sub("t")).snapshot(version: 5) }
    }

    @Test func checkpointRoundTripsTombstonesMapsAndNulls() throws {
        let dir = DeltaTempDir()
        let schema = Schema([Field("k", .string), Field("v", .int64)])
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["k"], configuration: ["delta.checkpointInterval": "2", "x": ""])
        try sink.open(sinkContext("q", mode: .complete, schema: schema))
        try sink.addBatch(0, try RecordBatch.fromRows([[.string("a"), .int64(1)], [.null, .int64(2)]], schema: schema))
        try sink.addBatch(1, try RecordBatch.fromRows([[.string("b"), .int64(3)]], schema: schema))
        try sink.addBatch(2, try RecordBatch.fromRows([[.string("c"), .int64(4)], [.string(""), .int64(5)]], schema: schema))
        let log = DeltaLog(tablePath: dir.sub("t"))
        #expect(try log.list().checkpoints == [2])
        let builder = try DeltaCheckpoint.read(log: log, version: 2)
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(builder.files == snap.files)
        #expect(builder.tombstones.keys.sorted() == snap.tombstones.keys.sorted())
        #expect(builder.metadata == snap.metadata)
        #expect(builder.metadata?.configuration == ["delta.checkpointInterval": "2", "x": ""])
        #expect(builder.transactions == snap.transactions)
    }

    @Test func deltalakeAndDuckDBReadTablesWithOurCheckpoint() throws {
        guard Python.require("deltalake") else { return }
        let dir = DeltaTempDir()
        let all = try table(dir)
        try dropJSON(dir, before: 20)
        let script = Python.canonPython + """
            from deltalake import DeltaTable
            import pyarrow.parquet as pq, os
            dt = DeltaTable(sys.argv[1])
            t = dt.to_pyarrow_table()
            names, rows = rows_of(t, "status")
            cp = pq.read_table(os.path.join(sys.argv[1], "_delta_log", "00000000000000000020.checkpoint.parquet"))
            out = {"names": names, "rows": rows, "version": dt.version(), "txn": dt.transaction_version("q"),
                   "checkpoint_rows": cp.num_rows, "checkpoint_columns": cp.column_names}
            try:
                import duckdb, duckdb_extension_delta
                con = duckdb.connect()
                ext = os.path.join(os.path.dirname(duckdb_extension_delta.__file__), "extensions", "v" + duckdb.__version__, "delta.duckdb_extension")
                con.execute(f"LOAD '{ext}'")
                out["duckdb_count"] = con.execute(f"select count(*), sum(status) from delta_scan('{sys.argv[1]}')").fetchall()[0]
            except ImportError:
                out["duckdb_count"] = None
            done((out))
            """
        let out = try #require(try Python.json(script, [dir.sub("t")]) as? [String: Any])
        #expect(out["version"] as? Int == 24)
        #expect(out["txn"] as? Int == 24)
        #expect(out["checkpoint_rows"] as? Int == 2 + 1 + 42)  // protocol, metaData, txn, 42 files at v20
        #expect(Set(out["checkpoint_columns"] as! [String]) == ["txn", "add", "remove", "metaData", "protocol"])
        let names = out["names"] as! [String]
        let want = sortedRows(try all.project(names)).map { $0.map(Python.canon) }
        #expect(out["rows"] as! [[String]] == want)
        if let d = out["duckdb_count"] as? [Int] {
            #expect(d == [250, (0..<250).reduce(0, +)])
        } else if Python.isCI {
            Issue.record("duckdb delta extension missing in CI")
        }
    }

    @Test func sluiceReadsDeltaRsCheckpoints() throws {
        guard Python.require("deltalake") else { return }
        let dir = DeltaTempDir()
        let script = Python.canonPython + """
            import pyarrow as pa, os, glob
            from deltalake import DeltaTable, write_deltalake, CommitProperties, Transaction
            p = sys.argv[1]
            rows = []
            for b in range(7):
                t = pa.table({"id": pa.array([b * 10 + i for i in range(10)], pa.int64()),
                              "s": pa.array([None if i % 3 == 0 else "x" + str(i) for i in range(10)], pa.string()),
                              "day": pa.array([datetime.date(2026, 11, 25 + i % 2) for i in range(10)], pa.date32())})
                write_deltalake(p, t, partition_by=["day"], mode="append",
                                commit_properties=CommitProperties(app_transactions=[Transaction(app_id="py", version=b)]))
            dt = DeltaTable(p)
            dt.create_checkpoint()
            for f in glob.glob(os.path.join(p, "_delta_log", "*.json")):
                if int(os.path.basename(f)[:20]) < dt.version(): os.remove(f)
            names, rows = rows_of(dt.to_pyarrow_table(), "id")
            done(({"names": names, "rows": rows, "version": dt.version()}))
            """
        let out = try #require(try Python.json(script, [dir.sub("t")]) as? [String: Any])
        let log = DeltaLog(tablePath: dir.sub("t"))
        #expect(try log.list().commits == [6])
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 6)
        #expect(snap.transactionVersion("py") == 6)
        #expect(snap.partitionColumns == ["day"])
        let names = out["names"] as! [String]
        let rows = sortedRows(try snap.read(columns: names).batch, by: "id").map { $0.map(Python.canon) }
        #expect(rows == out["rows"] as! [[String]])
    }
}
