import Columnar
import Foundation
import Testing

@testable import Formats

/// Deterministic pseudo-random numbers so failures reproduce.
typealias ParquetTestRandom = SplitMix64

extension SplitMix64 {
    init(_ seed: UInt64) { self.init(seed: seed) }
    mutating func int(_ n: Int) -> Int { next(upTo: n) }
}

enum ParquetFixtures {
    static let allDataTypes: [DataType] = [.bool, .int64, .double, .string, .timestamp, .date]

    static let allTypes = Schema([
        Field("b", .bool), Field("i", .int64), Field("d", .double), Field("s", .string),
        Field("ts", .timestamp), Field("dt", .date),
        Field("i_req", .int64, nullable: false), Field("s_req", .string, nullable: false),
    ])

    static let specialStrings = ["", "é", "e\u{301}", "日本語テキスト", "🙂 emoji", String(repeating: "long-", count: 80), "a", "zzz"]
    static let specialDoubles: [Double] = [0.0, -0.0, 1.5, -2.25, .infinity, -.infinity, .greatestFiniteMagnitude, 1e-300]

    /// Rows of every engine type with nulls in the nullable columns, negative timestamps and
    /// dates before 1970, special strings and doubles.
    static func allTypesBatch(rows: Int, seed: UInt64 = 1, nullEvery: Int = 7) -> RecordBatch {
        var r = ParquetTestRandom(seed)
        var out: [[Value]] = []
        out.reserveCapacity(rows)
        for k in 0..<rows {
            func maybe(_ v: Value) -> Value { (k + r.int(3)) % nullEvery == 0 ? .null : v }
            let ts = Int64(r.int(4_000_000_000)) * 1_000_000 - 2_000_000_000_000_000 + Int64(r.int(1_000_000))
            let str = r.int(4) == 0 ? specialStrings[r.int(specialStrings.count)] : "user-\(r.int(50))"
            out.append([
                maybe(.bool(r.int(2) == 0)),
                maybe(.int64(k == 1 ? .min : k == 2 ? .max : Int64(bitPattern: r.next()) >> UInt64(r.int(60)))),
                maybe(.double(r.int(5) == 0 ? specialDoubles[r.int(specialDoubles.count)] : Double(r.int(100_000)) / 7 - 5000)),
                maybe(.string(str)),
                maybe(.timestamp(ts)),
                maybe(.date(Int32(r.int(60_000)) - 30_000)),
                .int64(Int64(k) - 100),
                .string("req-\(k % 97)"),
            ])
        }
        return try! RecordBatch.fromRows(out, schema: allTypes)
    }

    static func write(_ batches: [RecordBatch], schema: Schema, options: ParquetWriterOptions = ParquetWriterOptions()) throws -> ParquetWriteResult {
        var w = try ParquetWriter(schema: schema, options: options)
        for b in batches { try w.write(b) }
        return try w.finish()
    }

    static func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/sluice-parquet-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/\(UUID().uuidString)-\(name)"
    }
}

/// Exact equality of two batches, treating doubles by bit pattern (so NaN and -0.0 count).
func expectParquetRowsEqual(_ a: RecordBatch, _ b: RecordBatch, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.schema == b.schema, sourceLocation: sourceLocation)
    #expect(a.rowCount == b.rowCount, sourceLocation: sourceLocation)
    guard a.schema == b.schema, a.rowCount == b.rowCount else { return }
    for (ci, (x, y)) in zip(a.columns, b.columns).enumerated() {
        var mismatches = 0
        for i in 0..<a.rowCount {
            let same: Bool
            switch (x[i], y[i]) {
            case (.double(let p), .double(let q)): same = p.bitPattern == q.bitPattern
            case (let p, let q): same = p == q
            }
            if !same {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("column \(a.schema.fields[ci].name) row \(i): \(x[i]) != \(y[i])", sourceLocation: sourceLocation)
                }
            }
        }
        #expect(mismatches == 0, "column \(a.schema.fields[ci].name)", sourceLocation: sourceLocation)
    }
}
