import Columnar

/// Where a reader's output columns come from: the requested fields, read from the data, and
/// optionally the corrupt-record column, filled by the reader itself.
struct ReaderLayout: Sendable {
    /// The schema's fields under their column names (`` `service.name` `` becomes `service.name`,
    /// see `FieldPath`), in schema order.
    let outputSchema: Schema
    /// Output positions of the fields read from the data, in schema order.
    let dataFields: [Int]
    /// Output position of the corrupt-record column, if there is one.
    let corruptIndex: Int?
    /// For each output field, the keys it is read from (`a.b` → ["a", "b"], `` `a.b` `` → ["a.b"]).
    let keyPaths: [[String]]

    /// The corrupt-record column exists only when the schema declares it, as a string, as in
    /// Spark (a field of another type of that name is read from the data like any field).
    init(schema: Schema, options: ReaderOptions) {
        keyPaths = schema.fields.map { FieldPath.keys($0.name) }
        let output = Schema(schema.fields.map { Field(FieldPath.columnName($0.name), $0.type, nullable: $0.nullable) })
        var corrupt: Int?
        if let name = options.corruptRecordColumn, let i = output.index(of: name), output.fields[i].type == .string {
            corrupt = i
        }
        outputSchema = output
        corruptIndex = corrupt
        dataFields = output.fields.indices.filter { $0 != corrupt }
    }

    /// The data fields under their column names, in `dataFields` order.
    var dataFieldList: [Field] { dataFields.map { outputSchema.fields[$0] } }
}
