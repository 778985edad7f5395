import Columnar
import Testing
@testable import Operators

/// The column-at-a-time key encoder must write the bytes of the encoding as defined row by row
/// (below): HyperLogLog sketches in the state store hash those bytes.
@Suite struct GroupKeyBatchTests {
    @Test func encodesEveryTypeAsTheRowEncoderDoes() throws {
        let schema = Schema([
            Field("s", .string), Field("i", .int64), Field("d", .double), Field("b", .bool), Field("day", .date), Field("t", .timestamp),
        ])
        let batch = try RecordBatch.fromRows([
            ["abc", 1, 0.0, true, .date(3), .timestamp(9)],
            ["", .null, -0.0, false, .null, .timestamp(-1)],
            [.null, 7, .double(.nan), .null, .date(-4), .null],
            ["héllo wörld, a longer string", -3, 2.5, true, .date(0), .timestamp(0)],
        ], schema: schema)
        let rowEncoder = GroupKeyEncoder(columns: batch.columns)
        let rows = [3, 0, 2, 2, 1]
        let extra: [Int64] = [10, -20, 30, 40, 50]
        let keys = GroupKeyBatch(columns: batch.columns, rows: rows, extra: extra)
        #expect(keys.count == rows.count)
        for (k, r) in rows.enumerated() {
            var expected: [UInt8] = []
            rowEncoder.encode(row: r, extra: extra[k], into: &expected)
            #expect(keys.withKey(k) { Array($0) } == expected, "row \(r)")
        }
        let all = GroupKeyBatch(columns: batch.columns)
        for r in 0..<batch.rowCount {
            var expected: [UInt8] = []
            rowEncoder.encode(row: r, extra: nil, into: &expected)
            #expect(all.withKey(r) { Array($0) } == expected)
        }
        // -0.0 and 0.0 group together, as do NaNs.
        let zeros = GroupKeyBatch(columns: [batch.columns[2]], rows: [0, 1])
        #expect(zeros.withKey(0) { Array($0) } == zeros.withKey(1) { Array($0) })
    }
}

/// The key encoding written out row by row, as the format is defined: per column a validity
/// byte, then a fixed-width value or a length-prefixed string; -0.0 and NaN normalised; an
/// extra value (a window start) first, as a valid 8-byte column. The
/// column-at-a-time `GroupKeyBatch` must match it byte for byte (stored HyperLogLog sketches hash it).
private struct GroupKeyEncoder {
    let columns: [Column]

    @inline(__always)
    func encode(row: Int, extra: Int64?, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        if let extra {
            out.append(1)
            append(extra, &out)
        }
        for c in columns {
            guard c.isValid(row) else { out.append(0); continue }
            out.append(1)
            switch c.values {
            case .int64(let a): append(a[row], &out)
            case .int32(let a): append(Int64(a[row]), &out)
            case .bool(let a): out.append(a[row] ? 1 : 0)
            case .double(let a):
                var d = a[row]
                if d == 0 { d = 0 } else if d.isNaN { d = .nan }
                append(Int64(bitPattern: d.bitPattern), &out)
            case .string(let s):
                append(Int64(s.length(row)), &out)
                s.withBytes(row) { out.append(contentsOf: $0) }
            }
        }
    }

    @inline(__always)
    private func append(_ v: Int64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
}
