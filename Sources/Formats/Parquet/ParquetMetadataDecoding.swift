// Thrift compact deserialisation of the metadata model. Unknown fields are skipped; values
// are only range-checked here, their meaning is validated where they are used.

extension TimeUnit {
    static func decode(_ r: inout ThriftCompactReader) throws -> TimeUnit? {
        var unit: TimeUnit?
        try r.readStruct { r, id, t in
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            try r.skip(t)
        }
        return unit
    }
}

extension LogicalType {
    static func decode(_ r: inout ThriftCompactReader) throws -> LogicalType? {
        var result: LogicalType?
        try r.readStruct { r, id, t in
            guard t == .structure else {
                try r.skip(t)
                return
            }
            switch id {
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.readStruct { r, id, t in
                    switch id {
                    case 1: scale = try r.readI32(t)
                    case 2: precision = try r.readI32(t)
                    default: try r.skip(t)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
            case 7, 8:
                var utc = false
                var unit: TimeUnit?
                try r.readStruct { r, id, t in
                    switch id {
                    case 1: utc = try r.readBool(t)
                    case 2 where t == .structure: unit = try TimeUnit.decode(&r)
                    default: try r.skip(t)
                    }
                }
                result = id == 7 ? .time(utc: utc, unit: unit) : .timestamp(utc: utc, unit: unit)
            case 10:
                var width: Int8 = 0, signed = true
                try r.readStruct { r, id, t in
                    switch id {
                    case 1: width = try r.readI8(t)
                    case 2: signed = try r.readBool(t)
                    default: try r.skip(t)
                    }
                }
                result = .integer(bitWidth: width, signed: signed)
            default:
                try r.skip(t)
                switch id {
                case 1: result = .string
                case 2: result = .map
                case 3: result = .list
                case 4: result = .enumType
                case 6: result = .date
                case 11: result = .unknown
                case 12: result = .json
                case 13: result = .bson
                case 14: result = .uuid
                case 15: result = .float16
                default: result = .other(id)
                }
            }
        }
        return result
    }
}

extension SchemaElement {
    static func decode(_ r: inout ThriftCompactReader) throws -> SchemaElement {
        var e = SchemaElement()
        try r.readStruct { r, id, t in
            switch id {
            case 1:
                let raw = try r.readI32(t)
                e.rawType = raw
                e.type = PhysicalType(rawValue: raw)
            case 2: e.typeLength = try r.readI32(t)
            case 3: e.repetition = Repetition(rawValue: try r.readI32(t))
            case 4: e.name = try r.readString(t)
            case 5: e.numChildren = try r.readI32(t)
            case 6: e.convertedType = try r.readI32(t)
            case 7: e.scale = try r.readI32(t)
            case 8: e.precision = try r.readI32(t)
            case 9: e.fieldID = try r.readI32(t)
            case 10 where t == .structure: e.logicalType = try LogicalType.decode(&r)
            default: try r.skip(t)
            }
        }
        return e
    }
}

extension Statistics {
    static func decode(_ r: inout ThriftCompactReader) throws -> Statistics {
        var s = Statistics()
        try r.readStruct { r, id, t in
            switch id {
            case 1: s.max = try r.readBinary(t)
            case 2: s.min = try r.readBinary(t)
            case 3: s.nullCount = try r.readI64(t)
            case 4: s.distinctCount = try r.readI64(t)
            case 5: s.maxValue = try r.readBinary(t)
            case 6: s.minValue = try r.readBinary(t)
            case 7: s.isMaxValueExact = try r.readBool(t)
            case 8: s.isMinValueExact = try r.readBool(t)
            default: try r.skip(t)
            }
        }
        return s
    }
}

extension ColumnMetaData {
    static func decode(_ r: inout ThriftCompactReader) throws -> ColumnMetaData {
        var m = ColumnMetaData()
        try r.readStruct { r, id, t in
            switch id {
            case 1: m.type = try r.readI32(t)
            case 2: try r.readList(t) { r, et in m.encodings.append(try r.readI32(et)) }
            case 3: try r.readList(t) { r, et in m.pathInSchema.append(try r.readString(et)) }
            case 4: m.codec = try r.readI32(t)
            case 5: m.numValues = try r.readI64(t)
            case 6: m.totalUncompressedSize = try r.readI64(t)
            case 7: m.totalCompressedSize = try r.readI64(t)
            case 9: m.dataPageOffset = try r.readI64(t)
            case 10: m.indexPageOffset = try r.readI64(t)
            case 11: m.dictionaryPageOffset = try r.readI64(t)
            case 12 where t == .structure: m.statistics = try Statistics.decode(&r)
            default: try r.skip(t)
            }
        }
        return m
    }
}

extension ColumnChunk {
    static func decode(_ r: inout ThriftCompactReader) throws -> ColumnChunk {
        var c = ColumnChunk()
        try r.readStruct { r, id, t in
            switch id {
            case 1: c.filePath = try r.readString(t)
            case 2: c.fileOffset = try r.readI64(t)
            case 3 where t == .structure: c.metaData = try ColumnMetaData.decode(&r)
            case 8, 9:
                // crypto_metadata / encrypted_column_metadata
                c.isEncrypted = true
                try r.skip(t)
            default: try r.skip(t)
            }
        }
        return c
    }
}

extension RowGroup {
    static func decode(_ r: inout ThriftCompactReader) throws -> RowGroup {
        var g = RowGroup()
        try r.readStruct { r, id, t in
            switch id {
            case 1: try r.readList(t) { r, et in g.columns.append(try ColumnChunk.decodeElement(&r, et)) }
            case 2: g.totalByteSize = try r.readI64(t)
            case 3: g.numRows = try r.readI64(t)
            case 5: g.fileOffset = try r.readI64(t)
            case 6: g.totalCompressedSize = try r.readI64(t)
            case 7: g.ordinal = try r.readI16(t)
            default: try r.skip(t)
            }
        }
        return g
    }
}

extension FileMetaData {
    static func decode(_ r: inout ThriftCompactReader) throws -> FileMetaData {
        var f = FileMetaData()
        try r.readStruct { r, id, t in
            switch id {
            case 1: f.version = try r.readI32(t)
            case 2: try r.readList(t) { r, et in f.schema.append(try SchemaElement.decodeElement(&r, et)) }
            case 3: f.numRows = try r.readI64(t)
            case 4: try r.readList(t) { r, et in f.rowGroups.append(try RowGroup.decodeElement(&r, et)) }
            case 6: f.createdBy = try r.readString(t)
            case 7:
                var orders: [ColumnOrder] = []
                try r.readList(t) { r, et in
                    guard et == .structure else { throw ParquetError.corrupt("column_orders element is not a struct") }
                    var order = ColumnOrder.unknown
                    try r.readStruct { r, id, t in
                        if id == 1 { order = .typeDefined }
                        try r.skip(t)
                    }
                    orders.append(order)
                }
                f.columnOrders = orders
            case 8:
                // encryption_algorithm: only present in encrypted files with plaintext footers.
                f.isEncrypted = true
                try r.skip(t)
            default: try r.skip(t)
            }
        }
        return f
    }
}

extension PageHeader {
    static func decode(_ r: inout ThriftCompactReader) throws -> PageHeader {
        var h = PageHeader()
        try r.readStruct { r, id, t in
            switch id {
            case 1: h.type = try r.readI32(t)
            case 2: h.uncompressedPageSize = try r.readI32(t)
            case 3: h.compressedPageSize = try r.readI32(t)
            case 4: h.crc = try r.readI32(t)
            case 5 where t == .structure:
                var d = DataPageHeader()
                try r.readStruct { r, id, t in
                    switch id {
                    case 1: d.numValues = try r.readI32(t)
                    case 2: d.encoding = try r.readI32(t)
                    case 3: d.definitionLevelEncoding = try r.readI32(t)
                    case 4: d.repetitionLevelEncoding = try r.readI32(t)
                    default: try r.skip(t)
                    }
                }
                h.dataPageHeader = d
            case 7 where t == .structure:
                var d = DictionaryPageHeader()
                try r.readStruct { r, id, t in
                    switch id {
                    case 1: d.numValues = try r.readI32(t)
                    case 2: d.encoding = try r.readI32(t)
                    case 3: d.isSorted = try r.readBool(t)
                    default: try r.skip(t)
                    }
                }
                h.dictionaryPageHeader = d
            case 8 where t == .structure:
                var d = DataPageHeaderV2()
                try r.readStruct { r, id, t in
                    switch id {
                    case 1: d.numValues = try r.readI32(t)
                    case 2: d.numNulls = try r.readI32(t)
                    case 3: d.numRows = try r.readI32(t)
                    case 4: d.encoding = try r.readI32(t)
                    case 5: d.definitionLevelsByteLength = try r.readI32(t)
                    case 6: d.repetitionLevelsByteLength = try r.readI32(t)
                    case 7: d.isCompressed = try r.readBool(t)
                    default: try r.skip(t)
                    }
                }
                h.dataPageHeaderV2 = d
            default: try r.skip(t)
            }
        }
        return h
    }
}

// List elements must be structs; anything else is a corrupt footer.
extension ColumnChunk {
    fileprivate static func decodeElement(_ r: inout ThriftCompactReader, _ t: ThriftType) throws -> ColumnChunk {
        guard t == .structure else { throw ParquetError.corrupt("ColumnChunk list element is not a struct") }
        return try decode(&r)
    }
}

extension SchemaElement {
    fileprivate static func decodeElement(_ r: inout ThriftCompactReader, _ t: ThriftType) throws -> SchemaElement {
        guard t == .structure else { throw ParquetError.corrupt("SchemaElement list element is not a struct") }
        return try decode(&r)
    }
}

extension RowGroup {
    fileprivate static func decodeElement(_ r: inout ThriftCompactReader, _ t: ThriftType) throws -> RowGroup {
        guard t == .structure else { throw ParquetError.corrupt("RowGroup list element is not a struct") }
        return try decode(&r)
    }
}
