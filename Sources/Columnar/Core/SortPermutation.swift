/// Sorting rows of columns without building rows: a permutation of row indexes, compared a
/// column at a time (each column's type is looked at once, not per comparison).
public enum SortPermutation {
    /// The row indexes of `columns` in ascending order of the columns, the first column first,
    /// with `Value.compare`'s order: nulls first, false before true, strings bytewise, NaN above
    /// every other double and -0.0 equal to 0.0. Ties keep no particular order.
    public static func ascending(_ columns: [Column], rowCount: Int) -> [Int] {
        let comparators = columns.map(comparator)
        var order = Array(0..<rowCount)
        order.sort { a, b in
            for compare in comparators {
                let c = compare(a, b)
                if c != 0 { return c < 0 }
            }
            return false
        }
        return order
    }

    /// `batch` with its rows in `ascending` order of all its columns.
    public static func sorted(_ batch: RecordBatch) throws -> RecordBatch {
        let order = ascending(batch.columns, rowCount: batch.rowCount)
        if order.indices.elementsEqual(order) { return batch }
        return batch.take(order)
    }

    private static func comparator(_ column: Column) -> (Int, Int) -> Int {
        let values: (Int, Int) -> Int
        switch column.values {
        case .bool(let a): values = { x, y in a[x] == a[y] ? 0 : (a[x] ? 1 : -1) }
        case .int64(let a): values = { x, y in a[x] == a[y] ? 0 : (a[x] < a[y] ? -1 : 1) }
        case .int32(let a): values = { x, y in a[x] == a[y] ? 0 : (a[x] < a[y] ? -1 : 1) }
        case .double(let a):
            values = { x, y in
                let p = a[x], q = a[y]
                if p.isNaN || q.isNaN { return p.isNaN == q.isNaN ? 0 : (p.isNaN ? 1 : -1) }
                return p == q ? 0 : (p < q ? -1 : 1)
            }
        case .string(let s):
            values = { x, y in s.withBytes(x) { p in s.withBytes(y) { q in StringArray.compareBytes(p, q) } } }
        }
        guard let validity = column.validity else { return values }
        return { x, y in
            let vx = validity[x], vy = validity[y]
            guard vx && vy else { return vx == vy ? 0 : (vx ? 1 : -1) }
            return values(x, y)
        }
    }
}
