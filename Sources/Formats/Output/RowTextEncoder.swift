import Columnar

/// Encodes the rows of a batch as JSON lines or CSV, a batch at a time (for log dumps and the
/// HTTP API). JSON lines hold each row's columns in schema order; timestamps are ISO-8601 UTC
/// (`2026-11-25T10:00:00.123Z`), dates `yyyy-MM-dd`, nulls `null`; doubles that JSON cannot
/// hold are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (as Spark's JSON
/// writer does). CSV follows RFC 4180 (quotes where needed, `""` inside quotes) with a header
/// row; null is an empty field and the empty string `""`, as Spark's CSV writer writes them.
public struct RowTextEncoder: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case jsonLines = "jsonl"
        case csv
    }

    public let format: Format
    public let schema: Schema
    private let names: [[UInt8]]

    public init(format: Format, schema: Schema) {
        self.format = format
        self.schema = schema
        names = schema.names.map { name in
            var out: [UInt8] = []
            Self.jsonString(Array(name.utf8), into: &out)
            return out
        }
    }

    /// The CSV header line (empty for JSON lines).
    public func header() -> [UInt8] {
        guard format == .csv else { return [] }
        var out: [UInt8] = []
        for (i, n) in schema.names.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.csvField(Array(n.utf8), into: &out)
        }
        out.append(10)
        return out
    }

    /// Every row of `batch`, one line each.
    public func encode(_ batch: RecordBatch, into out: inout [UInt8]) {
        for row in 0..<batch.rowCount {
            switch format {
            case .jsonLines: jsonLine(batch, row, into: &out)
            case .csv: csvLine(batch, row, into: &out)
            }
        }
    }

    private func jsonLine(_ batch: RecordBatch, _ row: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, c) in batch.columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: names[i])
            out.append(UInt8(ascii: ":"))
            guard c.isValid(row) else {
                out.append(contentsOf: Array("null".utf8))
                continue
            }
            switch c.values {
            case .bool(let a): out.append(contentsOf: Array((a[row] ? "true" : "false").utf8))
            case .int64(let a):
                if c.type == .timestamp { Self.quoted(Timestamps.format(a[row]), into: &out) } else { out.append(contentsOf: Array(String(a[row]).utf8)) }
            case .int32(let a): Self.quoted(Dates.format(a[row]), into: &out)
            case .double(let a):
                let d = a[row]
                if d.isNaN { Self.quoted("NaN", into: &out) } else if d.isInfinite { Self.quoted(d > 0 ? "Infinity" : "-Infinity", into: &out) } else { out.append(contentsOf: Array(String(d).utf8)) }
            case .string(let s): s.withBytes(row) { Self.jsonString($0, into: &out) }
            }
        }
        out.append(contentsOf: [UInt8(ascii: "}"), 10])
    }

    private func csvLine(_ batch: RecordBatch, _ row: Int, into out: inout [UInt8]) {
        for (i, c) in batch.columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            guard c.isValid(row) else { continue }
            switch c.values {
            case .string(let s): s.withBytes(row) { Self.csvField($0, into: &out) }
            default: Self.csvField(Array(c[row].description.utf8), into: &out)
            }
        }
        out.append(10)
    }

    private static func quoted(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: Array(s.utf8))
        out.append(UInt8(ascii: "\""))
    }

    static func jsonString<C: Collection>(_ bytes: C, into out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, UInt8(ascii: "\"")])
            case 92: out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<32: out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func csvField<C: Collection>(_ bytes: C, into out: inout [UInt8]) where C.Element == UInt8 {
        let needsQuotes = bytes.isEmpty || bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}
