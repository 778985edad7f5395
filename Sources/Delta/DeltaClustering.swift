import Columnar

/// How `optimize` orders the rows of the files it writes, so that min/max statistics of
/// files and row groups cover narrow ranges and skipping has something to skip.
public enum DeltaClustering: Sendable, Hashable, CustomStringConvertible {
    /// Z-order (Morton order) over the columns, as Delta's `OPTIMIZE ... ZORDER BY`: each
    /// column's values are mapped to their rank range (quantile) in the rows being written and
    /// the bits of those ranks are interleaved, so each column keeps locality.
    case zOrder([String])
    /// Lexicographic order by the columns (the first column keeps the most locality).
    case sort([String])

    public var columns: [String] {
        switch self {
        case .zOrder(let c), .sort(let c): return c
        }
    }

    /// What `add.tags` records for files written in this order.
    public var description: String {
        switch self {
        case .zOrder(let c): return "zorder:" + c.joined(separator: ",")
        case .sort(let c): return "sort:" + c.joined(separator: ",")
        }
    }

    /// The `add.tags` key holding `description` for clustered files.
    public static let tagKey = "sluice.clustering"

    /// Columns must exist in `schema`, not be partition columns, and not repeat.
    func check(_ schema: Schema, partitionColumns: [String], table: String) throws {
        guard !columns.isEmpty else { throw DeltaError.invalidArgument("clustering needs at least one column") }
        guard Set(columns).count == columns.count else { throw DeltaError.invalidArgument("clustering columns repeat: \(columns)") }
        for c in columns {
            guard schema.field(c) != nil else { throw ColumnarError.unknownColumn(c, available: schema.names) }
            guard !partitionColumns.contains(c) else {
                throw DeltaError.invalidArgument("'\(c)' is a partition column of \(table): every file holds one value of it, clustering by it does nothing")
            }
        }
    }

    /// The row order of `batch` under this clustering (stable: equal keys keep their order).
    func permutation(_ batch: RecordBatch) throws -> [Int] {
        let n = batch.rowCount
        let ranks = try columns.map { try Self.ranks(batch.column($0)) }
        switch self {
        case .sort:
            return (0..<n).sorted { a, b in
                for r in ranks where r.dense[a] != r.dense[b] { return r.dense[a] < r.dense[b] }
                return a < b
            }
        case .zOrder:
            let bits = min(21, 63 / ranks.count)
            let scale = UInt64(1) << UInt64(bits)
            // Quantile of each value: where its first occurrence falls in sorted order, scaled to `bits`.
            let coords: [[UInt64]] = ranks.map { r in r.quantile.map { UInt64($0) * scale / UInt64(max(n, 1)) } }
            var z = [UInt64](repeating: 0, count: n)
            for i in 0..<n {
                var v: UInt64 = 0
                for bit in stride(from: bits - 1, through: 0, by: -1) {
                    for c in coords {
                        v = v << 1 | (c[i] >> UInt64(bit) & 1)
                    }
                }
                z[i] = v
            }
            return (0..<n).sorted { z[$0] != z[$1] ? z[$0] < z[$1] : $0 < $1 }
        }
    }

    /// Per row: the dense rank of its value (nulls first) and the number of rows sorting before its value.
    static func ranks(_ c: Column) -> (dense: [Int], quantile: [Int]) {
        let n = c.count
        let order: [Int]
        func nullsFirst(_ a: Int, _ b: Int, _ less: (Int, Int) -> Bool) -> Bool {
            let va = c.isValid(a), vb = c.isValid(b)
            if va != vb { return !va }
            if !va { return a < b }
            return less(a, b) || (!less(b, a) && a < b)
        }
        func same(_ a: Int, _ b: Int, _ equal: (Int, Int) -> Bool) -> Bool {
            let va = c.isValid(a), vb = c.isValid(b)
            if va != vb { return false }
            return !va || equal(a, b)
        }
        let equal: (Int, Int) -> Bool
        switch c.values {
        case .bool(let v):
            order = (0..<n).sorted { nullsFirst($0, $1) { (v[$0] ? 1 : 0) < (v[$1] ? 1 : 0) } }
            equal = { v[$0] == v[$1] }
        case .int64(let v):
            order = (0..<n).sorted { nullsFirst($0, $1) { v[$0] < v[$1] } }
            equal = { v[$0] == v[$1] }
        case .int32(let v):
            order = (0..<n).sorted { nullsFirst($0, $1) { v[$0] < v[$1] } }
            equal = { v[$0] == v[$1] }
        case .double(let v):
            // Total order so NaN has one place (after every number).
            order = (0..<n).sorted { nullsFirst($0, $1) { v[$0].isTotallyOrdered(belowOrEqualTo: v[$1]) && !v[$1].isTotallyOrdered(belowOrEqualTo: v[$0]) } }
            equal = { v[$0].isTotallyOrdered(belowOrEqualTo: v[$1]) && v[$1].isTotallyOrdered(belowOrEqualTo: v[$0]) }
        case .string(let s):
            let cmp: (Int, Int) -> Int = { a, b in s.withBytes(b) { s.compare(a, $0) } }
            order = (0..<n).sorted { nullsFirst($0, $1) { cmp($0, $1) < 0 } }
            equal = { cmp($0, $1) == 0 }
        }
        var dense = [Int](repeating: 0, count: n)
        var quantile = [Int](repeating: 0, count: n)
        var rank = 0, firstPosition = 0
        for (pos, row) in order.enumerated() {
            if pos > 0 && !same(order[pos - 1], row, equal) {
                rank += 1
                firstPosition = pos
            }
            dense[row] = rank
            quantile[row] = firstPosition
        }
        return (dense, quantile)
    }
}
