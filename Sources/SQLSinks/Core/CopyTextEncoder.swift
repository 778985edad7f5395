import Columnar

/// Rows in PostgreSQL's COPY text format: one line per row, columns separated by tabs, `\N` for
/// null, and backslash, tab, newline and carriage return in strings escaped with a backslash
/// (PostgreSQL documentation, "COPY", File Formats: Text Format).
///
/// Each column is rendered on its own first (one tight loop per type), then the rendered cells
/// are interleaved into lines.
public enum CopyTextEncoder {
    /// Appends the COPY text of rows `rows` of `batch` to `out`.
    public static func encode(_ batch: RecordBatch, rows: Range<Int>, into out: inout [UInt8]) {
        guard !rows.isEmpty else { return }
        let cells = batch.columns.map { render($0, rows: rows) }
        out.reserveCapacity(out.count + cells.reduce(0) { $0 + $1.bytes.count } + rows.count * cells.count)
        for r in 0..<rows.count {
            for (c, cell) in cells.enumerated() {
                if c > 0 { out.append(UInt8(ascii: "\t")) }
                out.append(contentsOf: cell.bytes[cell.offsets[r]..<cell.offsets[r + 1]])
            }
            out.append(UInt8(ascii: "\n"))
        }
    }

    private struct Cells {
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
    }

    private static let null: [UInt8] = Array("\\N".utf8)

    private static func render(_ column: Column, rows: Range<Int>) -> Cells {
        var c = Cells()
        c.offsets.reserveCapacity(rows.count + 1)
        func finishCell() { c.offsets.append(c.bytes.count) }
        switch column.values {
        case .bool(let a):
            for i in rows {
                if column.isValid(i) { c.bytes.append(UInt8(ascii: a[i] ? "t" : "f")) } else { c.bytes.append(contentsOf: null) }
                finishCell()
            }
        case .int64(let a):
            let timestamp = column.type == .timestamp
            for i in rows {
                if !column.isValid(i) {
                    c.bytes.append(contentsOf: null)
                } else if timestamp {
                    SQLTimeText.appendTimestamp(a[i], postgresZone: true, into: &c.bytes)
                } else {
                    appendInt(a[i], into: &c.bytes)
                }
                finishCell()
            }
        case .int32(let a):
            for i in rows {
                if column.isValid(i) { SQLTimeText.appendDate(a[i], postgres: true, into: &c.bytes) } else { c.bytes.append(contentsOf: null) }
                finishCell()
            }
        case .double(let a):
            for i in rows {
                if column.isValid(i) { c.bytes.append(contentsOf: postgresDouble(a[i]).utf8) } else { c.bytes.append(contentsOf: null) }
                finishCell()
            }
        case .string(let s):
            for i in rows {
                if column.isValid(i) {
                    s.withBytes(i) { appendEscaped($0, into: &c.bytes) }
                } else {
                    c.bytes.append(contentsOf: null)
                }
                finishCell()
            }
        }
        return c
    }

    /// Shortest text that reads back as the same double; PostgreSQL's names for the specials.
    public static func postgresDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return d.description
    }

    @inline(__always)
    static func appendInt(_ v: Int64, into out: inout [UInt8]) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            // The magnitude of Int64.min does not fit an Int64; print it through UInt64.
            appendUnsigned(UInt64(bitPattern: 0 &- v), into: &out)
        } else {
            appendUnsigned(UInt64(v), into: &out)
        }
    }

    @inline(__always)
    static func appendUnsigned(_ v: UInt64, into out: inout [UInt8]) {
        if v < 10 {
            out.append(UInt8(ascii: "0") + UInt8(v))
            return
        }
        var x = v
        let start = out.count
        while x > 0 {
            out.append(UInt8(ascii: "0") + UInt8(x % 10))
            x /= 10
        }
        out[start...].reverse()
    }

    @inline(__always)
    static func appendEscaped(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var clean = true
        for b in s where b == 0x5C || b == 0x09 || b == 0x0A || b == 0x0D {
            clean = false
            break
        }
        if clean {
            out.append(contentsOf: s)
            return
        }
        for b in s {
            switch b {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            default: out.append(b)
            }
        }
    }
}
