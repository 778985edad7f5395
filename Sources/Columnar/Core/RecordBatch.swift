/// A set of equally long columns described by a schema: the unit every operator consumes and produces.
public struct RecordBatch: Sendable {
    public let schema: Schema
    public let columns: [Column]
    public let rowCount: Int

    public init(schema: Schema, columns: [Column]) throws {
        guard schema.count == columns.count else {
            throw ColumnarError.invalidArgument("schema has \(schema.count) fields but \(columns.count) columns were given")
        }
        let n = columns.first?.count ?? 0
        for (f, c) in zip(schema.fields, columns) {
            guard c.count == n else { throw ColumnarError.invalidArgument("column '\(f.name)' has \(c.count) rows, expected \(n)") }
            guard c.type == f.type else { throw ColumnarError.typeMismatch("column '\(f.name)' is \(c.type), schema says \(f.type)") }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = n
    }

    /// A batch with the given row count and no columns (e.g. `count()` over a projection of nothing).
    public init(emptyWithRows rowCount: Int) {
        schema = Schema([])
        columns = []
        self.rowCount = rowCount
    }

    /// An empty batch with `schema`.
    public static func empty(_ schema: Schema) -> RecordBatch {
        let cols = schema.fields.map { ColumnBuilder(type: $0.type).finish() }
        return try! RecordBatch(schema: schema, columns: cols)
    }

    public func column(_ name: String) throws -> Column { columns[try schema.require(name)] }

    public func filter(_ mask: [Bool]) -> RecordBatch {
        var idx = [Int]()
        idx.reserveCapacity(mask.count)
        for i in 0..<mask.count where mask[i] { idx.append(i) }
        return take(idx)
    }

    public func take(_ indices: [Int]) -> RecordBatch {
        if schema.count == 0 { return RecordBatch(emptyWithRows: indices.count) }
        return try! RecordBatch(schema: schema, columns: columns.map { $0.take(indices) })
    }

    public func slice(_ range: Range<Int>) -> RecordBatch { take(Array(range)) }

    /// The batch restricted to the named columns, in that order.
    public func project(_ names: [String]) throws -> RecordBatch {
        let idx = try names.map { try schema.require($0) }
        return try RecordBatch(schema: Schema(idx.map { schema.fields[$0] }), columns: idx.map { columns[$0] })
    }

    /// Concatenates batches that share `schema`.
    public static func concat(_ batches: [RecordBatch], schema: Schema) throws -> RecordBatch {
        if batches.count == 1 { return batches[0] }
        if batches.isEmpty { return .empty(schema) }
        for b in batches where b.schema != schema {
            throw ColumnarError.typeMismatch("cannot concatenate batches of schema \(b.schema) and \(schema)")
        }
        let cols = schema.fields.indices.map { i in Column.concat(batches.map { $0.columns[i] }, type: schema.fields[i].type) }
        return try RecordBatch(schema: schema, columns: cols)
    }

    /// Row `i` as scalars (edges only).
    public func row(_ i: Int) -> [Value] { columns.map { $0[i] } }

    /// All rows as scalars (edges only: tests, small outputs).
    public var rows: [[Value]] { (0..<rowCount).map(row) }

    /// A batch built from rows of scalars.
    public static func fromRows(_ rows: [[Value]], schema: Schema) throws -> RecordBatch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for r in rows {
            guard r.count == schema.count else { throw ColumnarError.invalidArgument("row has \(r.count) values, schema has \(schema.count)") }
            for j in 0..<r.count { builders[j].append(r[j]) }
        }
        return try RecordBatch(schema: schema, columns: builders.map { $0.finish() })
    }
}
