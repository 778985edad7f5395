// Thrift compact serialisation of the metadata model (field ids from parquet.thrift).
// Each `encodeFields` writes a struct's fields; the caller wraps them in `structField` or
// `structValue`, which add the stop byte.

extension TimeUnit {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        switch self {
        case .millis: w.structField(1) { _ in }
        case .micros: w.structField(2) { _ in }
        case .nanos: w.structField(3) { _ in }
        }
    }
}

extension LogicalType {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        switch self {
        case .string: w.structField(1) { _ in }
        case .map: w.structField(2) { _ in }
        case .list: w.structField(3) { _ in }
        case .enumType: w.structField(4) { _ in }
        case .decimal(let scale, let precision):
            w.structField(5) { w in
                w.i32(1, scale)
                w.i32(2, precision)
            }
        case .date: w.structField(6) { _ in }
        case .time(let utc, let unit):
            w.structField(7) { w in
                w.bool(1, utc)
                w.structField(2) { (unit ?? .micros).encodeFields(&$0) }
            }
        case .timestamp(let utc, let unit):
            w.structField(8) { w in
                w.bool(1, utc)
                // The unit is required by the spec; MICROS is the engine's native unit.
                w.structField(2) { (unit ?? .micros).encodeFields(&$0) }
            }
        case .integer(let bitWidth, let signed):
            w.structField(10) { w in
                w.i8(1, bitWidth)
                w.bool(2, signed)
            }
        case .unknown: w.structField(11) { _ in }
        case .json: w.structField(12) { _ in }
        case .bson: w.structField(13) { _ in }
        case .uuid: w.structField(14) { _ in }
        case .float16: w.structField(15) { _ in }
        case .other(let id): w.structField(id) { _ in }
        }
    }
}

extension SchemaElement {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        if let t = type { w.i32(1, t.rawValue) }
        if let l = typeLength { w.i32(2, l) }
        if let r = repetition { w.i32(3, r.rawValue) }
        w.string(4, name)
        if let n = numChildren { w.i32(5, n) }
        if let c = convertedType { w.i32(6, c) }
        if let s = scale { w.i32(7, s) }
        if let p = precision { w.i32(8, p) }
        if let f = fieldID { w.i32(9, f) }
        if let l = logicalType { w.structField(10) { l.encodeFields(&$0) } }
    }
}

extension Statistics {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        if let v = max { w.binary(1, v) }
        if let v = min { w.binary(2, v) }
        if let v = nullCount { w.i64(3, v) }
        if let v = distinctCount { w.i64(4, v) }
        if let v = maxValue { w.binary(5, v) }
        if let v = minValue { w.binary(6, v) }
        if let v = isMaxValueExact { w.bool(7, v) }
        if let v = isMinValueExact { w.bool(8, v) }
    }
}

extension ColumnMetaData {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        w.i32(1, type)
        w.listField(2, .i32, count: encodings.count) { w in for e in encodings { w.i32Element(e) } }
        w.listField(3, .binary, count: pathInSchema.count) { w in for p in pathInSchema { w.stringElement(p) } }
        w.i32(4, codec)
        w.i64(5, numValues)
        w.i64(6, totalUncompressedSize)
        w.i64(7, totalCompressedSize)
        w.i64(9, dataPageOffset)
        if let v = indexPageOffset { w.i64(10, v) }
        if let v = dictionaryPageOffset { w.i64(11, v) }
        if let s = statistics { w.structField(12) { s.encodeFields(&$0) } }
    }
}

extension ColumnChunk {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        if let p = filePath { w.string(1, p) }
        w.i64(2, fileOffset)
        if let m = metaData { w.structField(3) { m.encodeFields(&$0) } }
    }
}

extension RowGroup {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        w.listField(1, .structure, count: columns.count) { w in
            for c in columns { w.structValue { c.encodeFields(&$0) } }
        }
        w.i64(2, totalByteSize)
        w.i64(3, numRows)
        if let v = fileOffset { w.i64(5, v) }
        if let v = totalCompressedSize { w.i64(6, v) }
        if let v = ordinal { w.i16(7, v) }
    }
}

extension FileMetaData {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        w.i32(1, version)
        w.listField(2, .structure, count: schema.count) { w in
            for e in schema { w.structValue { e.encodeFields(&$0) } }
        }
        w.i64(3, numRows)
        w.listField(4, .structure, count: rowGroups.count) { w in
            for g in rowGroups { w.structValue { g.encodeFields(&$0) } }
        }
        if let c = createdBy { w.string(6, c) }
        if let orders = columnOrders {
            // ColumnOrder is a union whose only member is TYPE_ORDER (1: TypeDefinedOrder {}).
            w.listField(7, .structure, count: orders.count) { w in
                for _ in orders { w.structValue { $0.structField(1) { _ in } } }
            }
        }
    }

    func serialized() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.structValue { encodeFields(&$0) }
        return w.bytes
    }
}

extension PageHeader {
    func encodeFields(_ w: inout ThriftCompactWriter) {
        w.i32(1, type)
        w.i32(2, uncompressedPageSize)
        w.i32(3, compressedPageSize)
        if let c = crc { w.i32(4, c) }
        if let h = dataPageHeader {
            w.structField(5) { w in
                w.i32(1, h.numValues)
                w.i32(2, h.encoding)
                w.i32(3, h.definitionLevelEncoding)
                w.i32(4, h.repetitionLevelEncoding)
            }
        }
        if let h = dictionaryPageHeader {
            w.structField(7) { w in
                w.i32(1, h.numValues)
                w.i32(2, h.encoding)
                if let s = h.isSorted { w.bool(3, s) }
            }
        }
        if let h = dataPageHeaderV2 {
            w.structField(8) { w in
                w.i32(1, h.numValues)
                w.i32(2, h.numNulls)
                w.i32(3, h.numRows)
                w.i32(4, h.encoding)
                w.i32(5, h.definitionLevelsByteLength)
                w.i32(6, h.repetitionLevelsByteLength)
                w.bool(7, h.isCompressed)
            }
        }
    }

    func serialized() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.structValue { encodeFields(&$0) }
        return w.bytes
    }
}
