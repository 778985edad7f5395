import Columnar
import Foundation
import Testing
import TestSupport

@testable import Formats
@testable import Delta
@testable import Sinks

/// A fresh directory under /tmp, removed when the test ends.
final class DeltaTempDir: @unchecked Sendable {
    let path: String

    init(_ label: String = "delta") {
        path = FilePaths.join(NSTemporaryDirectory(), "\(label)-\(UUID().uuidString.lowercased())")
        try! FileSystem.createDirectory(path)
    }

    deinit { try? FileSystem.removeTree(path) }

    func sub(_ parts: String...) -> String { FilePaths.join([path] + parts) }
}

/// The log-like schema the Delta tests write: event time, strings with nulls, numbers, a date.
let logSchema = Schema([
    Field("ts", .timestamp), Field("service", .string), Field("level", .string), Field("latency", .double),
    Field("status", .int64), Field("ok", .bool), Field("date", .date),
])

/// `n` rows starting at id `first`, spread over `days` days from 2026-11-25, with nulls.
func logRows(_ first: Int, _ n: Int, days: Int = 2) -> RecordBatch {
    let base = Timestamps.make(year: 2026, month: 11, day: 25)
    let rows: [[Value]] = (first..<(first + n)).map { i in
        let day = i % days
        let ts = base + Int64(day) * Timestamps.microsPerDay + Int64(i) * 1_000_123
        return [
            .timestamp(ts), i % 7 == 0 ? .null : .string("svc-\(i % 5)"), .string(["INFO", "WARN", "ERROR"][i % 3]),
            i % 11 == 0 ? .null : .double(Double(i) * 0.5), .int64(Int64(i)), .bool(i % 2 == 0),
            .date(Int32(Timestamps.floorDiv(ts, Timestamps.microsPerDay))),
        ]
    }
    return try! RecordBatch.fromRows(rows, schema: logSchema)
}

func sinkContext(_ queryId: String, mode: OutputMode = .append, schema: Schema = logSchema) -> SinkContext {
    SinkContext(queryId: queryId, queryName: nil, outputMode: mode, schema: schema)
}

/// Rows sorted by the `status` column (the row id in these tests).
func sortedRows(_ b: RecordBatch, by column: String = "status") -> [[Value]] {
    let i = b.schema.index(of: column)!
    return b.rows.sorted { Value.compare($0[i], $1[i]) < 0 }
}

/// Runs Python for interop tests. A missing module skips the test locally and fails it when
/// CI is set, so CI cannot pass without the real tools (same rule as the Parquet interop tests).
enum Python {
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    static func has(_ module: String) -> Bool { (try? run("import \(module)", []))?.status == 0 }

    /// True when the test should run; records a failure (CI) when `module` is missing.
    static func require(_ module: String) -> Bool {
        if has(module) { return true }
        if isCI { Issue.record("python module \(module) is not importable but CI is set: pip install -r .ci/requirements.txt") }
        return false
    }

    static func run(_ script: String, _ args: [String]) throws -> (status: Int32, output: String) {
        try PythonScript.run(script, args)
    }

    /// Runs `script` and returns its last output line parsed as JSON.
    static func json(_ script: String, _ args: [String]) throws -> Any? {
        let (status, output) = try run(script, args)
        guard status == 0 else {
            Issue.record("python failed (\(status)):\n\(output)")
            return nil
        }
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONSerialization.jsonObject(with: Data(last.utf8))
    }

    /// Canonical text of values for comparing with Python: see `canonPython`.
    static func canon(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int64(let x): return "i\(x)"
        case .timestamp(let x): return "t\(x)"
        case .date(let d): return "d\(d)"
        case .double(let d): return "f\(d)"
        case .string(let s): return "s" + s
        }
    }

    /// Python side of `canon` (prints the same strings for the same values).
    static let canonPython = """
        import sys, os, json, datetime
        def done(obj):
            # Print the result and leave at once: delta-rs's runtime threads can abort the
            # interpreter's normal shutdown ("terminate called without an active exception").
            print(json.dumps(obj))
            sys.stdout.flush()
            os._exit(0)
        EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        def canon(v):
            if v is None: return "null"
            if isinstance(v, bool): return "true" if v else "false"
            if isinstance(v, datetime.datetime):
                if v.tzinfo is None: v = v.replace(tzinfo=datetime.timezone.utc)
                return "t" + str((v - EPOCH) // datetime.timedelta(microseconds=1))
            if isinstance(v, datetime.date): return "d" + str((v - datetime.date(1970, 1, 1)).days)
            if isinstance(v, int): return "i" + str(v)
            if isinstance(v, float): return "f" + repr(v)
            if isinstance(v, str): return "s" + v
            return "?" + repr(v)
        def rows_of(table, order):
            d = table.to_pydict()
            names = list(d.keys())
            rows = [[canon(d[n][i]) for n in names] for i in range(table.num_rows)]
            k = names.index(order)
            rows.sort(key=lambda r: int(r[k][1:]))
            return names, rows

        """
}

/// Sets a file's modification time to `millis` since the epoch (ages files without waiting).
func setModified(_ path: String, millis: Int64) throws {
    let date = Date(timeIntervalSince1970: Double(millis) / 1000)
    try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
}

/// Sets the modification time of every regular file under `dir` (links left alone).
func setModifiedTree(_ dir: String, millis: Int64) throws {
    let e = FileManager.default.enumerator(atPath: dir)!
    while let rel = e.nextObject() as? String {
        let p = FilePaths.join(dir, rel)
        let attrs = try FileManager.default.attributesOfItem(atPath: p)
        if attrs[.type] as? FileAttributeType == .typeRegular { try setModified(p, millis: millis) }
    }
}

/// Paths the latest version references whose files are missing (must be empty).
func missingReferencedFiles(_ path: String) throws -> [String] {
    let snap = try DeltaTable(path: path).snapshot()
    return try snap.addFiles.map(\.path).filter { !FileSystem.exists(FilePaths.join(path, try snap.location(of: $0))) }
}

let dayMillis: Int64 = 86_400_000

/// The table's rows as delta-rs reads them, canonical (`Python.canon`) and ordered by the
/// integer column `orderBy`; nil when deltalake is missing locally (a failure in CI).
func deltaRsRows(_ path: String, orderBy: String) throws -> (names: [String], rows: [[String]])? {
    guard Python.require("deltalake") else { return nil }
    let script = Python.canonPython + """
        from deltalake import DeltaTable
        names, rows = rows_of(DeltaTable(sys.argv[1]).to_pyarrow_table(), sys.argv[2])
        done({"names": names, "rows": rows})
        """
    guard let out = try Python.json(script, [path, orderBy]) as? [String: Any] else { return nil }
    return (out["names"] as! [String], out["rows"] as! [[String]])
}

/// `batch`'s rows in `names` order, canonical and sorted by the integer column `orderBy`.
func canonicalRows(_ batch: RecordBatch, names: [String], orderBy: String) throws -> [[String]] {
    sortedRows(try batch.project(names), by: orderBy).map { $0.map(Python.canon) }
}
