import Testing

@testable import Columnar

/// Keys in the engine's one key layout, back into columns and rows, and rows sorted through a
/// permutation: both must agree with the scalar definitions they replace.
@Suite struct GroupKeyColumnsTests {
    static let schema = Schema([
        Field("s", .string), Field("i", .int64), Field("d", .double), Field("b", .bool), Field("day", .date), Field("t", .timestamp),
    ])

    /// Rows with every type, nulls, -0.0, NaN with a payload, empty and non-ASCII strings.
    static func rows(_ n: Int, seed: UInt64) -> [[Value]] {
        var rng = SplitMix64(seed: seed)
        let strings = ["", "a", "ab", "b", "héllo", "zz"]
        let doubles: [Double] = [-0.0, 0.0, 1.5, -2, .infinity, Double(bitPattern: 0x7FF8_0000_0000_0001), .nan]
        return (0..<n).map { _ in
            func maybe(_ v: Value) -> Value { rng.next(upTo: 6) == 0 ? .null : v }
            return [
                maybe(.string(strings[rng.next(upTo: strings.count)])), maybe(.int64(Int64(rng.next(upTo: 5)) - 2)),
                maybe(.double(doubles[rng.next(upTo: doubles.count)])), maybe(.bool(rng.next(upTo: 2) == 0)),
                maybe(.date(Int32(rng.next(upTo: 4)) - 1)), maybe(.timestamp(Int64(rng.next(upTo: 3)) * 1_000_000)),
            ]
        }
    }

    /// The row as a key holds it: -0.0 as 0.0 and every NaN as the one NaN.
    static func normalized(_ row: [Value]) -> [Value] {
        row.map { v in
            guard case .double(let d) = v else { return v }
            return d.isNaN ? .double(.nan) : (d == 0 ? .double(0) : v)
        }
    }

    /// Rows as text that tells every double bit pattern apart (and lets NaN equal itself).
    static func exact(_ rows: [[Value]]) -> [[String]] {
        rows.map { $0.map { if case .double(let d) = $0 { "double \(d.bitPattern)" } else { "\($0)" } } }
    }

    @Test func tableHandsBackItsKeysAsColumns() throws {
        let batch = try RecordBatch.fromRows(Self.rows(300, seed: 7), schema: Self.schema)
        let types = Self.schema.fields.map(\.type)
        var table = GroupKeyTable(capacity: 4)
        var first: [Int] = []
        let keys = GroupKeyBatch(columns: batch.columns)
        for k in 0..<keys.count where Int(keys.withKey(k) { table.findOrInsert($0) }) == first.count { first.append(k) }
        let emitted = try RecordBatch(schema: Self.schema, columns: table.columns(types: types))
        let expected = first.map { Self.normalized(batch.row($0)) }
        #expect(Self.exact(emitted.rows) == Self.exact(expected))
        // A subset, in a chosen order.
        let subset = try RecordBatch(schema: Self.schema, columns: table.columns(types: types, ids: [2, 0]))
        #expect(Self.exact(subset.rows) == Self.exact([expected[2], expected[0]]))
    }

    @Test func singleKeysRoundTripAndFieldsAreReadWithoutDecoding() {
        let types = Self.schema.fields.map(\.type)
        for row in Self.rows(200, seed: 11) {
            let bytes = GroupKeyLayout.encode(row, types: types)
            let fromColumns = GroupKeyBatch(columns: (try! RecordBatch.fromRows([row], schema: Self.schema)).columns)
            #expect(fromColumns.withKey(0) { Array($0) } == bytes)
            bytes.withUnsafeBytes { b in
                #expect(GroupKeyLayout.problem(in: b, types: types) == nil)
                #expect(Self.exact([GroupKeyLayout.decode(b, types: types)]) == Self.exact([Self.normalized(row)]))
                // The timestamp behind a string, an int, a double, a bool and a date.
                let t: Int64? = if case .timestamp(let x) = row[5] { x } else { nil }
                #expect(GroupKeyLayout.int64Field(5, of: b, types: types) == t)
                let i: Int64? = if case .int64(let x) = row[1] { x } else { nil }
                #expect(GroupKeyLayout.int64Field(1, of: b, types: types) == i)
            }
        }
    }

    @Test func permutationSortsLikeComparingRows() throws {
        let rows = Self.rows(500, seed: 3)
        let batch = try RecordBatch.fromRows(rows, schema: Self.schema)
        let order = SortPermutation.ascending(batch.columns, rowCount: batch.rowCount)
        #expect(order.sorted() == Array(0..<rows.count))
        for (a, b) in zip(order, order.dropFirst()) {
            #expect(Value.compareRows(rows[a], rows[b]) <= 0, "rows \(a) and \(b) out of order")
        }
        let sorted = try SortPermutation.sorted(batch)
        #expect(Self.exact(sorted.rows) == Self.exact(order.map { rows[$0] }))
    }
}
