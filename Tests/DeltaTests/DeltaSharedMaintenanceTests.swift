import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// Tables other engines maintain too: the `protocol` action keeps the protocol's one shape in
/// JSON and checkpoints, table features are preserved or refused, and after delta-rs
/// checkpoints, compacts and vacuums a table the engine writes it on, and delta-rs, DuckDB and
/// polars read the same rows.
@Suite(.serialized) struct DeltaSharedMaintenanceTests {
    @Test func protocolCarriesFeatureListsOnlyWithReaderThreeAndWriterSeven() {
        let cases: [(DeltaProtocol, String)] = [
            (DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2, readerFeatures: [], writerFeatures: []),
             #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#),
            (DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, readerFeatures: ["x"], writerFeatures: nil),
             #"{"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":[]}}"#),
            (DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: nil, writerFeatures: ["appendOnly"]),
             #"{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[],"writerFeatures":["appendOnly"]}}"#),
        ]
        for (p, json) in cases { #expect(DeltaAction.protocol(p).json == json) }
    }

    /// A table whose commit 0 has `protocol`; the sink then appends `batches` batches.
    func table(_ dir: DeltaTempDir, protocol p: DeltaProtocol, schema: String = DeltaSchema.json(logSchema), batches: Int) throws -> DeltaSink {
        let log = DeltaLog(tablePath: dir.sub("t"))
        let meta = DeltaMetadata(id: "t-1", schemaString: schema, partitionColumns: ["date"], configuration: ["delta.checkpointInterval": "3"])
        _ = try log.write(0, [.protocol(p), .metaData(meta)])
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        for b in 0..<batches { try sink.addBatch(Int64(b), logRows(b * 10, 10)) }
        return sink
    }

    @Test func supportedWriterFeaturesArePreservedInCheckpoints() throws {
        let dir = DeltaTempDir()
        let p = DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly", "invariants"])
        _ = try table(dir, protocol: p, batches: 3)  // version 3: a checkpoint
        let log = DeltaLog(tablePath: dir.sub("t"))
        #expect(try log.list().checkpoints == [3])
        #expect(try DeltaCheckpoint.read(log: log, version: 3).tableProtocol == p)
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().tableProtocol == p)
    }

    @Test func unsupportedWriterFeaturesAndInvariantsAreRefusedClearly() throws {
        let dir = DeltaTempDir()
        let p = DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly", "changeDataFeed", "domainMetadata"])
        let e = try #require(throws: DeltaError.self) { _ = try table(dir, protocol: p, batches: 1) }
        #expect("\(e)".contains("[\"changeDataFeed\", \"domainMetadata\"]"))
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().version == 0)
        // Reading stays possible.
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().read().batch.rowCount == 0)

        let invariant = DeltaSchema.json(logSchema).replacingOccurrences(
            of: #""name":"status","type":"long","nullable":true,"metadata":{}"#,
            with: #""name":"status","type":"long","nullable":true,"metadata":{"delta.invariants":"{\"expression\":{\"expression\":\"status > 0\"}}"}"#)
        #expect(invariant != DeltaSchema.json(logSchema))
        let other = DeltaTempDir()
        let i = try #require(throws: DeltaError.self) { _ = try table(other, protocol: .default, schema: invariant, batches: 1) }
        #expect("\(i)".contains("delta.invariants"))
    }

    @Test func deltaRsCheckpointCompactAndVacuumThenSluiceWritesOnAndEveryReaderAgrees() throws {
        guard Python.require("deltalake"), Python.require("polars"), Python.require("duckdb") else { return }
        let dir = DeltaTempDir()
        let path = dir.sub("t")
        // Sluice writes versions 0...11 (its own checkpoint at 10).
        let first = DeltaSink(path: path, partitionBy: ["date"])
        try first.open(sinkContext("q"))
        for b in 0..<12 { try first.addBatch(Int64(b), logRows(b * 10, 10, days: 3)) }

        let maintain = Python.canonPython + """
            from deltalake import DeltaTable
            dt = DeltaTable(sys.argv[1])
            dt.create_checkpoint()
            m = dt.optimize.compact()
            dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
            done({"version": DeltaTable(sys.argv[1]).version(), "removed": m["numFilesRemoved"]})
            """
        let maintained = try #require(try Python.json(maintain, [path]) as? [String: Any])
        #expect(maintained["removed"] as? Int == 36)
        let v0 = Int64(try #require(maintained["version"] as? Int))

        // A restarted query reads the delta-rs checkpoint and commits on, through its own next checkpoint.
        let second = DeltaSink(path: path, partitionBy: ["date"])
        try second.open(sinkContext("q"))
        var b = 12
        while try DeltaTable(path: path).snapshot().version < (v0 / 10 + 1) * 10 + 1 {
            try second.addBatch(Int64(b), logRows(b * 10, 10, days: 3))
            b += 1
        }
        let log = DeltaLog(tablePath: path)
        let ours = try #require(try log.list().checkpoints.last)
        #expect(ours > v0)
        #expect(try DeltaTable(path: path).snapshot().tableProtocol == .default)
        let expected = try RecordBatch.concat((0..<b).map { logRows($0 * 10, 10, days: 3) }, schema: logSchema)

        let read = Python.canonPython + """
            import os, pyarrow.parquet as pq
            from deltalake import DeltaTable
            import polars as pl, duckdb, duckdb_extension_delta
            p = sys.argv[1]
            cp = [r for r in pq.read_table(sys.argv[2]).column("protocol").to_pylist() if r]
            dt = DeltaTable(p)
            names, rs = rows_of(dt.to_pyarrow_table(), "status")
            _, pol = rows_of(pl.read_delta(p).to_arrow(), "status")
            con = duckdb.connect()
            ext = os.path.join(os.path.dirname(duckdb_extension_delta.__file__), "extensions", "v" + duckdb.__version__, "delta.duckdb_extension")
            con.execute(f"LOAD '{ext}'")
            _, duck = rows_of(con.execute(f"select * from delta_scan('{p}')").fetch_arrow_table(), "status")
            done({"names": names, "deltars": rs, "polars": pol, "duckdb": duck, "version": dt.version(),
                  "txn": dt.transaction_version("q"), "checkpoint_protocol": cp, "polars_version": pl.__version__})
            """
        let out = try #require(try Python.json(read, [path, log.checkpointPath(ours)]) as? [String: Any])
        let names = out["names"] as! [String]
        let want = try canonicalRows(expected, names: names, orderBy: "status")
        #expect(out["deltars"] as! [[String]] == want)
        #expect(out["polars"] as! [[String]] == want)
        #expect(out["duckdb"] as! [[String]] == want)
        #expect(out["txn"] as? Int == b - 1)
        #expect(Int64(out["version"] as! Int) == (try DeltaTable(path: path).snapshot().version))
        let cp = try #require((out["checkpoint_protocol"] as? [[String: Any]])?.first)
        #expect(cp["minReaderVersion"] as? Int == 1 && cp["minWriterVersion"] as? Int == 2)
        #expect(cp["readerFeatures"] is NSNull && cp["writerFeatures"] is NSNull)
        #expect(sortedRows(try DeltaTable(path: path).snapshot().read().batch) == sortedRows(expected))
    }
}
