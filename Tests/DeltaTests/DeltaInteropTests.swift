import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// Tables written by Sluice read by deltalake (delta-rs), DuckDB and pyarrow; tables and files
/// written by deltalake and pyarrow read by Sluice. Rows, types and nulls must match exactly.
@Suite(.serialized) struct DeltaInteropTests {
    /// A two-commit, two-partition table with nulls in several columns.
    func writeSluiceTable(_ path: String) throws -> RecordBatch {
        let sink = DeltaSink(path: path, partitionBy: ["date"])
        try sink.open(sinkContext("interop-q"))
        try sink.addBatch(0, logRows(0, 60))
        try sink.addBatch(1, logRows(60, 40))
        return try RecordBatch.concat([logRows(0, 60), logRows(60, 40)], schema: logSchema)
    }

    func canonRows(_ b: RecordBatch, columns: [String]) -> [[String]] {
        let sorted = sortedRows(try! b.project(columns))
        return sorted.map { $0.map(Python.canon) }
    }

    @Test func deltalakeReadsSluiceTables() throws {
        guard Python.require("deltalake") else { return }
        let dir = DeltaTempDir()
        let expected = try writeSluiceTable(dir.sub("t"))
        let script = Python.canonPython + """
            from deltalake import DeltaTable
            dt = DeltaTable(sys.argv[1])
            t = dt.to_pyarrow_table()
            names, rows = rows_of(t, "status")
            done(({"names": names, "types": [str(f.type) for f in t.schema], "rows": rows,
                              "version": dt.version(), "txn": dt.transaction_version("interop-q"),
                              "partitions": dt.metadata().partition_columns}))
            """
        let out = try #require(try Python.json(script, [dir.sub("t")]) as? [String: Any])
        let names = out["names"] as! [String]
        #expect(Set(names) == Set(logSchema.names))
        #expect(out["version"] as? Int == 1)
        #expect(out["txn"] as? Int == 1)
        #expect(out["partitions"] as? [String] == ["date"])
        let types = Dictionary(uniqueKeysWithValues: zip(names, out["types"] as! [String]))
        #expect(types["ts"] == "timestamp[us, tz=UTC]")
        #expect(types["date"] == "date32[day]")
        #expect(types["status"] == "int64" && types["latency"] == "double" && types["ok"] == "bool")
        #expect(["string", "large_string", "string_view"].contains(types["service"]!))
        #expect(out["rows"] as! [[String]] == canonRows(expected, columns: names))
    }

    @Test func deltalakeAppendsToSluiceTablesAndSluiceReadsTheResult() throws {
        guard Python.require("deltalake") else { return }
        let dir = DeltaTempDir()
        let mine = try writeSluiceTable(dir.sub("t"))
        let script = Python.canonPython + """
            import pyarrow as pa
            from deltalake import DeltaTable, write_deltalake
            dt = DeltaTable(sys.argv[1])
            t = pa.table({
                "ts": pa.array([datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.timezone.utc)], pa.timestamp("us", tz="UTC")),
                "service": pa.array([None], pa.string()), "level": pa.array(["WARN"]),
                "latency": pa.array([2.5]), "status": pa.array([1000], pa.int64()), "ok": pa.array([True]),
                "date": pa.array([datetime.date(2026, 11, 25)], pa.date32())}).select(dt.schema().to_arrow().names)
            write_deltalake(sys.argv[1], t, mode="append", partition_by=["date"])
            done({"version": DeltaTable(sys.argv[1]).version()})
            """
        let out = try #require(try Python.json(script, [dir.sub("t")]) as? [String: Any])
        #expect(out["version"] as? Int == 2)
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 2)
        let extra = try RecordBatch.fromRows([[
            .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 12)), .null, .string("WARN"), .double(2.5),
            .int64(1000), .bool(true), .date(Dates.parse("2026-11-25")!),
        ]], schema: logSchema)
        #expect(sortedRows(try snap.read().batch) == sortedRows(try RecordBatch.concat([mine, extra], schema: logSchema)))
    }

    @Test func duckdbReadsSluiceTablesAsParquetAndAsDelta() throws {
        guard Python.require("duckdb") else { return }
        let dir = DeltaTempDir()
        let expected = try writeSluiceTable(dir.sub("t"))
        let script = Python.canonPython + """
            import duckdb, os
            p = sys.argv[1]
            con = duckdb.connect()
            def fetch(rel):
                cols = "epoch_us(ts) as ts, service, level, latency, status, ok, datediff('day', DATE '1970-01-01', date) as date"
                q = f"select {cols} from {rel} order by status"
                desc = {r[0]: r[1] for r in con.execute(f"describe select * from {rel}").fetchall()}
                rows = []
                for r in con.execute(q).fetchall():
                    c = [canon(v) for v in r]
                    c[0] = "null" if r[0] is None else "t" + str(r[0])
                    c[6] = "null" if r[6] is None else "d" + str(r[6])
                    rows.append(c)
                return {"types": desc, "rows": rows}
            out = {"parquet": fetch(f"read_parquet('{p}/date=*/*.parquet', hive_partitioning=true)")}
            try:
                import duckdb_extension_delta
                ext = os.path.join(os.path.dirname(duckdb_extension_delta.__file__), "extensions", "v" + duckdb.__version__, "delta.duckdb_extension")
                con.execute(f"LOAD '{ext}'")
                out["delta"] = fetch(f"delta_scan('{p}')")
            except ImportError:
                out["delta"] = None
            done((out))
            """
        let out = try #require(try Python.json(script, [dir.sub("t")]) as? [String: Any])
        let names = ["ts", "service", "level", "latency", "status", "ok", "date"]
        let want = canonRows(expected, columns: names)
        let parquet = out["parquet"] as! [String: Any]
        #expect(parquet["rows"] as! [[String]] == want)
        let types = parquet["types"] as! [String: String]
        #expect(types["ts"] == "TIMESTAMP WITH TIME ZONE")
        #expect(types["service"] == "VARCHAR")
        #expect(types["status"] == "BIGINT" && types["latency"] == "DOUBLE" && types["ok"] == "BOOLEAN")
        #expect(types["date"] == "DATE")
        if let delta = out["delta"] as? [String: Any] {
            #expect(delta["rows"] as! [[String]] == want)
            let dt = delta["types"] as! [String: String]
            #expect(dt["ts"] == "TIMESTAMP WITH TIME ZONE" && dt["date"] == "DATE" && dt["service"] == "VARCHAR")
        } else if Python.isCI {
            Issue.record("duckdb-extension-delta is not installed but CI is set")
        }
    }

    @Test func pyarrowReadsSluiceDataFiles() throws {
        guard Python.require("pyarrow") else { return }
        let dir = DeltaTempDir()
        _ = try writeSluiceTable(dir.sub("t"))
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        for f in snap.addFiles {
            let path = FilePaths.join(dir.sub("t"), DeltaPartition.uriDecode(f.path))
            let script = Python.canonPython + """
                import pyarrow.parquet as pq
                t = pq.read_table(sys.argv[1])
                names, rows = rows_of(t, "status")
                md = pq.ParquetFile(sys.argv[1]).metadata
                done(({"names": names, "types": [str(x.type) for x in t.schema], "rows": rows,
                                  "codec": md.row_group(0).column(0).compression}))
                """
            let out = try #require(try Python.json(script, [path]) as? [String: Any])
            let names = out["names"] as! [String]
            #expect(names == ["ts", "service", "level", "latency", "status", "ok"])
            #expect(out["types"] as! [String] == ["timestamp[us, tz=UTC]", "string", "string", "double", "int64", "bool"])
            #expect(out["codec"] as? String == "ZSTD")
            var metrics = DeltaScanMetrics()
            let mine = try snap.readFiles([f], columns: names, metrics: &metrics)
            #expect(out["rows"] as! [[String]] == canonRows(mine, columns: names))
        }
    }

    static let deltalakeWriter = Python.canonPython + """
        import pyarrow as pa
        from deltalake import write_deltalake, WriterProperties, CommitProperties, Transaction
        path, codec = sys.argv[1], sys.argv[2]
        n = 300
        base = datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc)
        ts = [None if i % 13 == 0 else base + datetime.timedelta(microseconds=i * 7_000_123 + (i % 3) * 86_400_000_000) for i in range(n)]
        t = pa.table({
            "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "user": pa.array([None if i % 5 == 0 else ("é" if i % 7 == 0 else "") + "u" + str(i % 9) for i in range(n)], pa.string()),
            "amount": pa.array([None if i % 4 == 0 else i * 0.25 - 10 for i in range(n)], pa.float64()),
            "n32": pa.array([i - 150 for i in range(n)], pa.int32()),
            "status": pa.array(list(range(n)), pa.int64()),
            "flag": pa.array([None if i % 6 == 0 else i % 2 == 0 for i in range(n)], pa.bool_()),
            "date": pa.array([datetime.date(2026, 11, 25 + i % 3) for i in range(n)], pa.date32()),
        })
        props = WriterProperties(compression=codec.upper())
        write_deltalake(path, t.slice(0, 200), partition_by=["date"], writer_properties=props,
                        commit_properties=CommitProperties(app_transactions=[Transaction(app_id="py", version=4)]))
        write_deltalake(path, t.slice(200), partition_by=["date"], mode="append", writer_properties=props)
        names, rows = rows_of(t, "status")
        done(({"names": names, "rows": rows}))
        """

    @Test(arguments: ["snappy", "zstd"])
    func sluiceReadsDeltalakeTables(codec: String) throws {
        guard Python.require("deltalake") else { return }
        let dir = DeltaTempDir()
        let out = try #require(try Python.json(Self.deltalakeWriter, [dir.sub("t"), codec]) as? [String: Any])
        let names = out["names"] as! [String]
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.version == 1)
        #expect(snap.transactionVersion("py") == 4)
        #expect(snap.partitionColumns == ["date"])
        #expect(snap.schema == Schema([
            Field("ts", .timestamp), Field("user", .string), Field("amount", .double), Field("n32", .int64),
            Field("status", .int64), Field("flag", .bool), Field("date", .date),
        ]))
        #expect(snap.addFiles.allSatisfy { $0.path.hasSuffix(".\(codec).parquet") })
        let batch = try snap.read().batch
        let expected = out["rows"] as! [[String]]
        // Python canon prints int32 as plain ints like int64: both are "i<n>".
        #expect(canonRows(batch, columns: names) == expected)
        // Pruning and stats skipping work on delta-rs statistics too.
        let day = Value.date(Int32(Dates.days(year: 2026, month: 11, day: 26)))
        let pruned = try snap.read(where: col("date") == lit(day) && col("status") >= 290)
        #expect(pruned.metrics.filesOpened == 1)
        #expect(pruned.batch.rowCount == expected.filter { $0[6] == "d\(Dates.days(year: 2026, month: 11, day: 26))" && Int($0[4].dropFirst())! >= 290 }.count)
    }

    @Test(arguments: ["snappy", "zstd"])
    func sluiceReadsPyarrowParquetFiles(codec: String) throws {
        guard Python.require("pyarrow") else { return }
        let dir = DeltaTempDir()
        let script = Python.canonPython + """
            import pyarrow as pa, pyarrow.parquet as pq
            n = 5000
            base = datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc)
            t = pa.table({
                "ts": pa.array([None if i % 13 == 0 else base + datetime.timedelta(microseconds=i * 1_000_003 - 10**12) for i in range(n)], pa.timestamp("us", tz="UTC")),
                "service": pa.array([None if i % 5 == 0 else "svc-" + str(i % 40) for i in range(n)], pa.string()),
                "latency": pa.array([None if i % 4 == 0 else i / 8 for i in range(n)], pa.float64()),
                "status": pa.array(list(range(n)), pa.int64()),
                "date": pa.array([datetime.date(2026, 11, 1 + i % 20) for i in range(n)], pa.date32()),
            })
            pq.write_table(t, sys.argv[1], compression=sys.argv[2], row_group_size=1500)
            names, rows = rows_of(t, "status")
            done(({"names": names, "rows": rows}))
            """
        let path = dir.sub("f.parquet")
        let out = try #require(try Python.json(script, [path, codec]) as? [String: Any])
        let file = try ParquetFile(path: path)
        #expect(file.rowGroups.count == 4)
        let batch = try file.read()
        #expect(canonRows(batch, columns: out["names"] as! [String]) == out["rows"] as! [[String]])
    }
}
