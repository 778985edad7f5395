import Columnar

/// Where a reader's output columns come from: the requested fields, read from the data, and
/// optionally the corrupt-record column, filled by the reader itself.
struct ReaderLayout: Sendable {
    let outputSchema: Schema
    /// Output positions of the fields read from the data, in schema order.
    let dataFields: [Int]
    /// Output position of the corrupt-record column, if there is one.
    let corruptIndex: Int?

    /// A schema field named like the corrupt-record column is used for it if it is a string;
    /// otherwise it is read from the data like any field and there is no corrupt-record column.
    init(schema: Schema, options: ReaderOptions) {
        var output = schema
        var corrupt: Int?
        if let name = options.corruptRecordColumn {
            if let i = schema.index(of: name) {
                if schema.fields[i].type == .string { corrupt = i }
            } else if options.mode == .permissive {
                output = schema.setting(Field(name, .string))
                corrupt = output.count - 1
            }
        }
        outputSchema = output
        corruptIndex = corrupt
        dataFields = schema.fields.indices.filter { $0 != corrupt }
    }
}
