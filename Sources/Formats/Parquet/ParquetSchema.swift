import Columnar

/// Where a flat leaf column sits in the Parquet schema: max definition level 0 (REQUIRED) or
/// 1 (OPTIONAL), no repetition (nested columns are written by `ParquetNestedWriter`).
struct LeafDescriptor {
    var path: [String]
    var physicalType: PhysicalType
    var maxDefinitionLevel: Int
}

/// Engine schema -> Parquet schema.
enum ParquetSchemaWriter {
    /// The SchemaElement of a flat engine field, with both the converted type and the
    /// logical type (readers differ in which one they honour; the Parquet format's LogicalTypes.md keeps both
    /// for backward compatibility).
    static func element(for field: Field) -> SchemaElement {
        var e = SchemaElement()
        e.name = field.name
        e.repetition = field.nullable ? .optional : .required
        switch field.type {
        case .bool: e.type = .boolean
        case .int64: e.type = .int64
        case .double: e.type = .double
        case .string:
            e.type = .byteArray
            e.convertedType = ConvertedType.utf8
            e.logicalType = .string
        case .timestamp:
            e.type = .int64
            e.convertedType = ConvertedType.timestampMicros
            e.logicalType = .timestamp(utc: true, unit: .micros)
        case .date:
            e.type = .int32
            e.convertedType = ConvertedType.date
            e.logicalType = .date
        }
        return e
    }

    static func leaf(for field: Field) -> LeafDescriptor {
        LeafDescriptor(
            path: [field.name], physicalType: element(for: field).type!,
            maxDefinitionLevel: field.nullable ? 1 : 0)
    }

    /// Root element followed by the fields' elements (depth-first order).
    static func elements(for schema: Schema) -> [SchemaElement] {
        var root = SchemaElement()
        root.name = "schema"
        root.numChildren = Int32(schema.count)
        return [root] + schema.fields.map(element(for:))
    }
}

/// A top-level column of a file as the reader sees it.
struct ReaderColumn {
    var name: String
    /// Index of the column's first leaf, i.e. of its chunk in each row group.
    var firstLeaf: Int
    var leafCount: Int
    /// How to read it, or why it cannot be read.
    var readable: Result<Readable, ParquetError>

    struct Readable {
        var field: Field
        var physicalType: PhysicalType
        var conversion: ValueConversion
        var maxDefinitionLevel: Int
    }
}

/// Parquet schema -> engine schema.
enum ParquetSchemaReader {
    static let maxDepth = 64

    /// The top-level columns of a flattened schema. Columns the engine cannot represent are
    /// kept with the reason, so the rest of the file stays readable.
    static func columns(_ schema: [SchemaElement]) throws -> [ReaderColumn] {
        guard let root = schema.first else { throw ParquetError.corrupt("file has an empty schema") }
        guard let n = root.numChildren, n >= 0 else { throw ParquetError.corrupt("schema root has no children") }
        var pos = 1
        var leaf = 0
        var out: [ReaderColumn] = []
        for _ in 0..<Int(n) {
            guard pos < schema.count else { throw ParquetError.corrupt("schema root declares \(n) children but the schema ends early") }
            let start = pos
            let leaves = try walk(schema, &pos, depth: 1)
            let e = schema[start]
            var column = ReaderColumn(name: e.name, firstLeaf: leaf, leafCount: leaves, readable: .failure(.unsupported("")))
            if pos - start > 1 || e.type == nil {
                column.readable = .failure(.unsupported("column '\(e.name)' is nested (group with \(leaves) leaves); nested columns are not supported"))
            } else {
                column.readable = Result { try readable(e) }.mapError { ($0 as? ParquetError) ?? .corrupt("\($0)") }
            }
            out.append(column)
            leaf += leaves
        }
        guard pos == schema.count else {
            throw ParquetError.corrupt("schema has \(schema.count - pos) elements beyond the root's \(n) children")
        }
        return out
    }

    /// Advances past the subtree at `pos`, returning its number of leaves.
    private static func walk(_ schema: [SchemaElement], _ pos: inout Int, depth: Int) throws -> Int {
        guard depth <= maxDepth else { throw ParquetError.corrupt("schema nested too deeply") }
        guard pos < schema.count else { throw ParquetError.corrupt("schema ends inside a group") }
        let e = schema[pos]
        pos += 1
        let children = Int(e.numChildren ?? 0)
        if e.type != nil && children <= 0 { return 1 }
        guard children >= 0, children <= schema.count - pos else {
            throw ParquetError.corrupt("schema element '\(e.name)' declares \(children) children, more than the schema holds")
        }
        var leaves = 0
        for _ in 0..<children { leaves += try walk(schema, &pos, depth: depth + 1) }
        return leaves
    }

    private static func readable(_ e: SchemaElement) throws -> ReaderColumn.Readable {
        let name = e.name
        func unsupported(_ what: String) -> ParquetError { .unsupported("column '\(name)': \(what) is not supported") }
        let maxDef: Int
        switch e.repetition {
        case .required: maxDef = 0
        case .optional: maxDef = 1
        case .repeated: throw unsupported("a REPEATED field (legacy list)")
        case nil: throw ParquetError.corrupt("column '\(name)' has no valid repetition type")
        }
        guard let type = e.type else { throw unsupported("physical type \(e.rawType.map(String.init) ?? "none")") }
        // Annotations the engine has no type for, whatever their physical type.
        switch e.logicalType {
        case .decimal?: throw unsupported("DECIMAL")
        case .time?: throw unsupported("TIME")
        case .uuid?: throw unsupported("UUID")
        case .float16?: throw unsupported("FLOAT16")
        case .integer(64, false)?: throw unsupported("unsigned 64-bit integers")
        default: break
        }
        switch e.convertedType {
        case ConvertedType.decimal?: throw unsupported("DECIMAL")
        case ConvertedType.timeMillis?, ConvertedType.timeMicros?: throw unsupported("TIME")
        case ConvertedType.interval?: throw unsupported("INTERVAL")
        case ConvertedType.uint64?: throw unsupported("unsigned 64-bit integers")
        default: break
        }
        let conversion: ValueConversion
        switch type {
        case .boolean: conversion = .bool
        case .int32:
            switch (e.logicalType, e.convertedType) {
            case (.date?, _), (nil, ConvertedType.date?): conversion = .int32Date
            case (.integer(_, false)?, _), (nil, ConvertedType.uint8?), (nil, ConvertedType.uint16?), (nil, ConvertedType.uint32?):
                conversion = .int32ToInt64(unsigned: true)
            default: conversion = .int32ToInt64(unsigned: false)
            }
        case .int64:
            switch (e.logicalType, e.convertedType) {
            case (.timestamp(_, let unit)?, _): conversion = .int64Timestamp(unit ?? .micros)
            case (nil, ConvertedType.timestampMillis?): conversion = .int64Timestamp(.millis)
            case (nil, ConvertedType.timestampMicros?): conversion = .int64Timestamp(.micros)
            default: conversion = .int64
            }
        case .int96: conversion = .int96Timestamp
        case .float: conversion = .floatToDouble
        case .double: conversion = .double
        case .byteArray: conversion = .byteArrayString
        case .fixedLenByteArray: throw unsupported("FIXED_LEN_BYTE_ARRAY")
        }
        return ReaderColumn.Readable(
            field: Field(name, conversion.engineType, nullable: maxDef > 0), physicalType: type,
            conversion: conversion, maxDefinitionLevel: maxDef)
    }
}
