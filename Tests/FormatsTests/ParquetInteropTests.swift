import Columnar
import Foundation
import Testing
import TestSupport

@testable import Formats

/// Runs Python snippets for the interop tests. pyarrow missing skips the tests locally but
/// fails them when CI is set, so a CI image without pyarrow cannot pass silently.
enum PyArrow {
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false
    static let available: Bool = (try? run("import pyarrow", []))?.status == 0
    static let shouldRun = available || isCI

    /// Fails the current test (CI) when pyarrow cannot be imported.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(available, "pyarrow is not importable by `/usr/bin/env python3` but CI is set: install it (pip install pyarrow)", sourceLocation: sourceLocation)
    }

    static func run(_ script: String, _ args: [String]) throws -> (status: Int32, output: String) {
        try PythonScript.run(script, args)
    }

    /// Runs a script that writes JSON to the path given as its first argument.
    static func json(_ script: String, _ args: [String]) throws -> Any {
        let out = ParquetFixtures.tempPath("out.json")
        defer { try? FileSystem.remove(out) }
        let (status, output) = try run(script, [out] + args)
        guard status == 0 else {
            Issue.record("python failed (\(status)):\n\(output)")
            throw ParquetError.invalidArgument("python failed")
        }
        return try JSONSerialization.jsonObject(with: Data(try FileSystem.read(out)))
    }

    /// Python helpers shared by the scripts: canonical text for values so both sides compare
    /// exactly (doubles by bit pattern, strings as UTF-8 hex, timestamps as µs, dates as days).
    static let prelude = """
        import sys, json, struct, datetime, random
        import pyarrow as pa, pyarrow.parquet as pq
        EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        def canon(v):
            if v is None: return "null"
            if isinstance(v, bool): return "true" if v else "false"
            if isinstance(v, datetime.datetime):
                if v.tzinfo is None: v = v.replace(tzinfo=datetime.timezone.utc)
                return str((v - EPOCH) // datetime.timedelta(microseconds=1))
            if isinstance(v, datetime.date): return str((v - datetime.date(1970, 1, 1)).days)
            if isinstance(v, int): return str(v)
            if isinstance(v, float):
                if v != v: return "nan"
                return "f" + str(struct.unpack("<q", struct.pack("<d", v))[0])
            if isinstance(v, str): return "s" + v.encode().hex()
            if isinstance(v, bytes): return "s" + v.hex()
            return "?" + repr(v)
        def column_values(col, typ):
            col = col.combine_chunks()
            if pa.types.is_timestamp(typ):
                raw = col.cast(pa.int64()).to_pylist()
                scale = {"s": ("mul", 1000000), "ms": ("mul", 1000), "us": ("mul", 1), "ns": ("div", 1000)}[typ.unit]
                return ["null" if v is None else str(v * scale[1] if scale[0] == "mul" else v // scale[1]) for v in raw]
            if pa.types.is_date32(typ):
                return ["null" if v is None else str(v) for v in col.cast(pa.int32()).to_pylist()]
            return [canon(v) for v in col.to_pylist()]

        """

    static func canon(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int64(let x), .timestamp(let x): return String(x)
        case .date(let d): return String(d)
        case .double(let d): return d.isNaN ? "nan" : "f\(Int64(bitPattern: d.bitPattern))"
        case .string(let s): return "s" + s.utf8.map { String(format: "%02x", $0) }.joined()
        }
    }

    static func canon(_ c: Column) -> [String] { (0..<c.count).map { canon(c[$0]) } }
}

/// "index: a vs b" of the first differing element, for failure messages.
func firstDifference(_ a: [String], _ b: [String]) -> String {
    guard let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
        return a.count == b.count ? "none" : "lengths \(a.count) vs \(b.count)"
    }
    return "\(i): \(a[i]) vs \(b[i])"
}

@Suite(.serialized) struct ParquetInteropTests {
    // MARK: Sluice writes, pyarrow reads

    static let readScript = PyArrow.prelude + """
        out, path = sys.argv[1], sys.argv[2]
        t = pq.read_table(path)
        md = pq.ParquetFile(path).metadata
        stats = []
        for g in range(md.num_row_groups):
            rg = md.row_group(g)
            for j in range(rg.num_columns):
                s = rg.column(j).statistics
                stats.append({"group": g, "column": rg.column(j).path_in_schema,
                              "has_min_max": bool(s is not None and s.has_min_max),
                              "min": canon(s.min) if s is not None and s.has_min_max else "null",
                              "max": canon(s.max) if s is not None and s.has_min_max else "null",
                              "null_count": s.null_count if s is not None and s.has_null_count else -1})
        json.dump({"schema": [[f.name, str(f.type), f.nullable] for f in t.schema],
                   "rows": t.num_rows, "created_by": md.created_by, "row_groups": md.num_row_groups,
                   "columns": {f.name: column_values(t.column(f.name), f.type) for f in t.schema},
                   "stats": stats}, open(out, "w"))
        """

    static let writerConfigs: [ParquetWriterOptions] = [
        ParquetWriterOptions(),
        ParquetWriterOptions(compression: .uncompressed, dictionary: false, dataPageRowLimit: 999),
        ParquetWriterOptions(compression: .snappy, dictionaryPageSizeLimit: 512, dataPageRowLimit: 300, rowGroupRowLimit: 1700),
    ]

    @Test(.enabled(if: PyArrow.shouldRun, "pyarrow is not importable (CI unset): skipped"), arguments: 0..<3)
    func pyarrowReadsSluiceFiles(config: Int) throws {
        try PyArrow.require()
        let batch = ParquetFixtures.allTypesBatch(rows: 4000, seed: UInt64(config) + 10)
        let path = ParquetFixtures.tempPath("sluice.parquet")
        defer { try? FileSystem.remove(path) }
        var w = try ParquetWriter(schema: ParquetFixtures.allTypes, options: Self.writerConfigs[config])
        try w.write(batch)
        let summary = try w.finish(toFile: path)
        let result = try #require(try PyArrow.json(Self.readScript, [path]) as? [String: Any])

        let schema = try #require(result["schema"] as? [[Any]])
        let described = schema.map { "\($0[0]):\($0[1]):\($0[2])" }
        #expect(described == [
            "b:bool:1", "i:int64:1", "d:double:1", "s:string:1", "ts:timestamp[us, tz=UTC]:1", "dt:date32[day]:1",
            "i_req:int64:0", "s_req:string:0",
        ])
        #expect(result["rows"] as? Int == 4000)
        #expect(result["created_by"] as? String == "sluice version 0.1.0")
        #expect(result["row_groups"] as? Int == summary.rowGroupCount)
        let columns = try #require(result["columns"] as? [String: [String]])
        for (i, f) in ParquetFixtures.allTypes.fields.enumerated() {
            let expected = PyArrow.canon(batch.columns[i])
            let got = columns[f.name] ?? []
            #expect(got == expected, "column \(f.name): first difference at \(firstDifference(got, expected))")
        }

        // pyarrow sees the same statistics as our reader, and min/max for every column.
        let file = try ParquetFile(path: path)
        let stats = try #require(result["stats"] as? [[String: Any]])
        #expect(stats.count == file.rowGroups.count * ParquetFixtures.allTypes.count)
        for s in stats {
            let g = try #require(s["group"] as? Int), name = try #require(s["column"] as? String)
            let ours = try #require(file.rowGroups[g].statistics(for: name))
            #expect(s["has_min_max"] as? Bool == true, "\(name) in group \(g)")
            #expect(s["min"] as? String == PyArrow.canon(ours.min), "\(name) min in group \(g)")
            #expect(s["max"] as? String == PyArrow.canon(ours.max), "\(name) max in group \(g)")
            #expect(s["null_count"] as? Int == ours.nullCount, "\(name) nulls in group \(g)")
        }
    }

    @Test(.enabled(if: PyArrow.shouldRun, "pyarrow is not importable (CI unset): skipped"))
    func pyarrowReadsAllNullAndEmptyFiles() throws {
        try PyArrow.require()
        let schema = Schema(ParquetFixtures.allDataTypes.map { Field("n_\($0)", $0) })
        let rows = [[Value]](repeating: [Value](repeating: .null, count: schema.count), count: 321)
        for batches in [[try RecordBatch.fromRows(rows, schema: schema)], []] {
            let path = ParquetFixtures.tempPath("nulls.parquet")
            defer { try? FileSystem.remove(path) }
            var w = try ParquetWriter(schema: schema)
            for b in batches { try w.write(b) }
            _ = try w.finish(toFile: path)
            let result = try #require(try PyArrow.json(Self.readScript, [path]) as? [String: Any])
            let expectedRows = batches.isEmpty ? 0 : 321
            #expect(result["rows"] as? Int == expectedRows)
            let columns = try #require(result["columns"] as? [String: [String]])
            for f in schema.fields { #expect(columns[f.name] == Array(repeating: "null", count: expectedRows), "\(f.name)") }
            for s in try #require(result["stats"] as? [[String: Any]]) {
                #expect(s["has_min_max"] as? Bool == false)
                #expect(s["null_count"] as? Int == 321)
            }
        }
    }

    // MARK: pyarrow writes, Sluice reads

    static let writeScript = PyArrow.prelude + """
        out, path, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
        rng = random.Random(7)
        n = 3000
        def nul(i, k, v): return None if i % k == 0 else v
        specials = ["", "é", "e\\u0301", "日本語", "🙂", "x" * 300]
        floats = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1.5e300]
        cols = {
            "b": pa.array([nul(i, 7, rng.random() < 0.5) for i in range(n)], pa.bool_()),
            "i64": pa.array([nul(i, 5, rng.randrange(-2**63, 2**63)) for i in range(n)], pa.int64()),
            "i32": pa.array([nul(i, 6, rng.randrange(-2**31, 2**31)) for i in range(n)], pa.int32()),
            "i16": pa.array([nul(i, 9, rng.randrange(-2**15, 2**15)) for i in range(n)], pa.int16()),
            "u32": pa.array([nul(i, 8, rng.randrange(0, 2**32)) for i in range(n)], pa.uint32()),
            "f32": pa.array([nul(i, 4, rng.choice(floats) if i % 3 == 0 else rng.uniform(-1e6, 1e6)) for i in range(n)], pa.float32()),
            "f64": pa.array([nul(i, 4, rng.choice(floats) if i % 3 == 0 else rng.uniform(-1e6, 1e6)) for i in range(n)], pa.float64()),
            "s": pa.array([nul(i, 10, rng.choice(specials) if i % 4 == 0 else "user-%d" % rng.randrange(40)) for i in range(n)], pa.string()),
            "s_unique": pa.array([nul(i, 13, "value-%d-%s" % (i, "z" * (i % 17))) for i in range(n)], pa.string()),
            "ts_us": pa.array([nul(i, 11, rng.randrange(-2 * 10**15, 2 * 10**15)) for i in range(n)], pa.timestamp("us", tz="UTC")),
            "ts_ms": pa.array([nul(i, 12, rng.randrange(-2 * 10**12, 2 * 10**12)) for i in range(n)], pa.timestamp("ms")),
            "ts_ns": pa.array([nul(i, 14, rng.randrange(-2 * 10**18, 2 * 10**18)) for i in range(n)], pa.timestamp("ns", tz="UTC")),
            "d": pa.array([nul(i, 15, rng.randrange(-40000, 40000)) for i in range(n)], pa.date32()),
            "req": pa.array([i * 3 - 100 for i in range(n)], pa.int64()),
        }
        extra = options.pop("extra_columns", False)
        if extra:
            cols["nested"] = pa.array([[i, i + 1] for i in range(n)], pa.list_(pa.int64()))
            cols["dec"] = pa.array([None] * n, pa.decimal128(10, 2))
        fields = [pa.field(k, v.type, nullable=(k != "req")) for k, v in cols.items()]
        table = pa.Table.from_arrays(list(cols.values()), schema=pa.schema(fields))
        pq.write_table(table, path, **options)
        back = pq.read_table(path)
        json.dump({"schema": [[f.name, str(f.type)] for f in back.schema],
                   "columns": {f.name: column_values(back.column(f.name), f.type) for f in back.schema
                               if f.name not in ("nested", "dec")},
                   "encodings": sorted({e for g in range(pq.ParquetFile(path).metadata.num_row_groups)
                                        for j in range(pq.ParquetFile(path).metadata.num_columns)
                                        for e in pq.ParquetFile(path).metadata.row_group(g).column(j).encodings}),
                   "created_by": pq.ParquetFile(path).metadata.created_by}, open(out, "w"))
        """

    struct ForeignFile: CustomTestStringConvertible, Sendable {
        var name: String
        var options: String
        var testDescription: String { name }
    }

    static let foreignFiles: [ForeignFile] = [
        ForeignFile(name: "defaults (snappy, dictionary, v1 pages)", options: #"{}"#),
        ForeignFile(name: "zstd", options: #"{"compression": "zstd"}"#),
        ForeignFile(name: "uncompressed, no dictionary", options: #"{"compression": "none", "use_dictionary": false}"#),
        ForeignFile(name: "snappy, data page v2", options: #"{"data_page_version": "2.0", "data_page_size": 4096, "row_group_size": 1000}"#),
        ForeignFile(name: "zstd, v2, no dictionary", options: #"{"compression": "zstd", "data_page_version": "2.0", "use_dictionary": false}"#),
        ForeignFile(name: "uncompressed, v2", options: #"{"compression": "none", "data_page_version": "2.0"}"#),
        ForeignFile(name: "int96 timestamps", options: #"{"use_deprecated_int96_timestamps": true}"#),
        ForeignFile(name: "format 1.0 (PLAIN_DICTIONARY pages, as parquet-mr)", options: #"{"version": "1.0", "use_deprecated_int96_timestamps": true}"#),
        ForeignFile(name: "int96, zstd, v2, no dictionary", options: #"{"use_deprecated_int96_timestamps": true, "compression": "zstd", "data_page_version": "2.0", "use_dictionary": false}"#),
        ForeignFile(
            name: "delta and byte-stream-split encodings, v2",
            options: #"{"use_dictionary": false, "data_page_version": "2.0", "column_encoding": {"i64": "DELTA_BINARY_PACKED", "i32": "DELTA_BINARY_PACKED", "ts_us": "DELTA_BINARY_PACKED", "d": "DELTA_BINARY_PACKED", "s": "DELTA_LENGTH_BYTE_ARRAY", "s_unique": "DELTA_BYTE_ARRAY", "f64": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT", "b": "RLE"}}"#),
        ForeignFile(name: "delta encodings, v1", options: #"{"use_dictionary": false, "column_encoding": {"i64": "DELTA_BINARY_PACKED", "req": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY"}}"#),
    ]

    static let expectedForeignSchema: [String: DataType] = [
        "b": .bool, "i64": .int64, "i32": .int64, "i16": .int64, "u32": .int64, "f32": .double, "f64": .double,
        "s": .string, "s_unique": .string, "ts_us": .timestamp, "ts_ms": .timestamp, "ts_ns": .timestamp, "d": .date, "req": .int64,
    ]

    @Test(.enabled(if: PyArrow.shouldRun, "pyarrow is not importable (CI unset): skipped"), arguments: foreignFiles)
    func sluiceReadsPyarrowFiles(file foreign: ForeignFile) throws {
        try PyArrow.require()
        let path = ParquetFixtures.tempPath("pyarrow.parquet")
        defer { try? FileSystem.remove(path) }
        let result = try #require(try PyArrow.json(Self.writeScript, [path, foreign.options]) as? [String: Any])
        let expected = try #require(result["columns"] as? [String: [String]])
        let file = try ParquetFile(path: path)
        #expect(file.createdBy == result["created_by"] as? String)
        #expect(file.rowCount == 3000)
        #expect(Dictionary(uniqueKeysWithValues: file.schema.fields.map { ($0.name, $0.type) }) == Self.expectedForeignSchema)
        #expect(file.schema.field("req")?.nullable == false)
        let batch = try file.read()
        for (i, f) in batch.schema.fields.enumerated() {
            let got = PyArrow.canon(batch.columns[i])
            let want = expected[f.name] ?? []
            #expect(got == want, "column \(f.name) (\(result["encodings"] ?? "")): first difference at \(firstDifference(got, want))")
        }
        // Row-group statistics written by pyarrow decode to values consistent with the data.
        for g in file.rowGroups {
            let part = try file.read(columns: ["i64", "s", "d"], rowGroups: [g.index])
            for (k, name) in ["i64", "s", "d"].enumerated() {
                guard let s = g.statistics(for: name), s.min != .null else { continue }
                let values = (0..<part.rowCount).map { part.columns[k][$0] }.filter { $0 != .null }
                #expect(values.allSatisfy { ParquetColumnStatistics.compare($0, s.min)! >= 0 && ParquetColumnStatistics.compare($0, s.max)! <= 0 }, "\(name)")
                #expect(values.contains(s.min) && values.contains(s.max), "\(name)")
            }
        }
    }

    @Test(.enabled(if: PyArrow.shouldRun, "pyarrow is not importable (CI unset): skipped"))
    func unsupportedColumnsFailClearlyButOthersRead() throws {
        try PyArrow.require()
        let path = ParquetFixtures.tempPath("nested.parquet")
        defer { try? FileSystem.remove(path) }
        let result = try #require(try PyArrow.json(Self.writeScript, [path, #"{"extra_columns": true}"#]) as? [String: Any])
        let expected = try #require(result["columns"] as? [String: [String]])
        let file = try ParquetFile(path: path)
        #expect(file.schema.field("nested") == nil)
        #expect(file.unsupportedColumns["nested"]?.contains("nested") == true)
        #expect(file.unsupportedColumns["dec"]?.contains("DECIMAL") == true)
        do {
            _ = try file.read()
            Issue.record("reading all columns should fail")
        } catch let e as ParquetError {
            #expect(e.kind == .unsupported)
            #expect(e.message.contains("'nested'") || e.message.contains("'dec'"))
        }
        #expect(throws: ParquetError.self) { try file.read(columns: ["dec"]) }
        let part = try file.read(columns: ["req", "s"])  // leaves after the nested column
        #expect(PyArrow.canon(part.columns[0]) == expected["req"])
        #expect(PyArrow.canon(part.columns[1]) == expected["s"])
    }
}
