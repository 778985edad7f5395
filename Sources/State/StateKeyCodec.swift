import Columnar

/// State keys as bytes: the `GroupKeyBatch` layout of the key schema's fields (the encoding the
/// aggregation interns, so a batch's key bytes are the store's key bytes with no re-encoding).
/// This codec is for the edges that hold keys as values (tests, deduplication's convenience
/// calls): it checks a row against the schema before encoding it.
public struct StateKeyCodec: Sendable, Hashable {
    public let schema: Schema
    /// The field types, in order, as `GroupKeyLayout` reads them.
    public let types: [DataType]

    public init(_ schema: Schema) {
        self.schema = schema
        self.types = schema.fields.map(\.type)
    }

    /// The key bytes of `row`, which must have one value per field, each null (if the field is
    /// nullable) or of the field's type.
    public func encode(_ row: [Value]) throws -> [UInt8] {
        guard row.count == schema.count else {
            throw RowCodecError.fieldCount(expected: schema.count, got: row.count, schema: schema.description)
        }
        for (field, value) in zip(schema.fields, row) {
            switch (field.type, value) {
            case (_, .null):
                guard field.nullable else { throw RowCodecError.nullInNonNullableField(field.name) }
            case (.bool, .bool), (.int64, .int64), (.timestamp, .timestamp), (.double, .double), (.date, .date),
                (.string, .string):
                continue
            default:
                throw RowCodecError.typeMismatch(field: field.name, expected: field.type, got: value)
            }
        }
        return GroupKeyLayout.encode(row, types: types)
    }

    /// The values of key bytes the store holds (checked when stored or loaded).
    public func decode(_ bytes: UnsafeRawBufferPointer) -> [Value] {
        GroupKeyLayout.decode(bytes, types: types)
    }

    /// Why `bytes` is not a key of this schema, or nil; a null in a non-nullable field counts.
    func problem(in bytes: UnsafeRawBufferPointer) -> String? {
        if let problem = GroupKeyLayout.problem(in: bytes, types: types) { return problem }
        guard schema.fields.contains(where: { !$0.nullable }) else { return nil }
        for (i, v) in decode(bytes).enumerated() where v == .null && !schema.fields[i].nullable {
            return "field '\(schema.fields[i].name)' is not nullable but the value is null"
        }
        return nil
    }
}
