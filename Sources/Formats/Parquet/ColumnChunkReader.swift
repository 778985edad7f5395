import Columnar

/// Decodes the pages of one flat column chunk into a column builder: dictionary page, data
/// pages v1 and v2, definition levels, any supported value encoding and codec.
struct ColumnChunkReader {
    let column: ReaderColumn.Readable
    let meta: ColumnMetaData

    /// Reads `rowCount` rows from `chunk` (the chunk's bytes, starting at its first page).
    func read(_ chunk: UnsafeRawBufferPointer, rowCount: Int, into builder: inout ColumnBuilder) throws {
        var cursor = ByteCursor(chunk)
        var dictionary: PageValues?
        var rows = 0
        var pageIndex = 0
        while rows < rowCount {
            guard !cursor.isAtEnd else {
                throw ParquetError.corrupt("column chunk ends after \(rows) of \(rowCount) rows")
            }
            let header: PageHeader
            do {
                var thrift = ThriftCompactReader(cursor)
                header = try PageHeader.decode(&thrift)
                cursor = thrift.cursor
            } catch let e as ParquetError {
                throw e.adding(context: "page \(pageIndex) header")
            }
            guard header.compressedPageSize >= 0, header.uncompressedPageSize >= 0 else {
                throw ParquetError.corrupt("page \(pageIndex) has a negative size")
            }
            guard Int(header.compressedPageSize) <= cursor.remaining else {
                throw ParquetError.corrupt("page \(pageIndex) claims \(header.compressedPageSize) bytes but the chunk has \(cursor.remaining) left")
            }
            let body = try cursor.read(count: Int(header.compressedPageSize))
            try ParquetError.withContext("page \(pageIndex)") {
                switch header.type {
                case PageType.dictionaryPage:
                    guard dictionary == nil else { throw ParquetError.corrupt("second dictionary page in a column chunk") }
                    dictionary = try readDictionary(header, body)
                case PageType.dataPage:
                    rows += try readDataPageV1(header, body, remaining: rowCount - rows, dictionary: dictionary, into: &builder)
                case PageType.dataPageV2:
                    rows += try readDataPageV2(header, body, remaining: rowCount - rows, dictionary: dictionary, into: &builder)
                default:
                    break  // index pages and future page types carry no rows
                }
            }
            pageIndex += 1
        }
    }

    private func readDictionary(_ header: PageHeader, _ body: UnsafeRawBufferPointer) throws -> PageValues {
        guard let dh = header.dictionaryPageHeader else { throw ParquetError.corrupt("dictionary page without its header") }
        guard dh.encoding == Encoding.plain || dh.encoding == Encoding.plainDictionary else {
            throw ParquetError.unsupported("dictionary page encoding \(Encoding.name(dh.encoding))")
        }
        guard dh.numValues >= 0 else { throw ParquetError.corrupt("negative dictionary size") }
        return try PageCodec.withDecompressed(body, codec: meta.codec, size: Int(header.uncompressedPageSize)) {
            try PlainDecoder.decode($0, count: Int(dh.numValues), as: column.conversion)
        }
    }

    private func readDataPageV1(
        _ header: PageHeader, _ body: UnsafeRawBufferPointer, remaining: Int, dictionary: PageValues?,
        into builder: inout ColumnBuilder
    ) throws -> Int {
        guard let dh = header.dataPageHeader else { throw ParquetError.corrupt("data page without its header") }
        let n = try checkedCount(dh.numValues, remaining: remaining)
        try PageCodec.withDecompressed(body, codec: meta.codec, size: Int(header.uncompressedPageSize)) { buf in
            var c = ByteCursor(buf)
            var levels: [UInt8]?
            if column.maxDefinitionLevel > 0 {
                guard dh.definitionLevelEncoding == Encoding.rle else {
                    throw ParquetError.unsupported("definition level encoding \(Encoding.name(dh.definitionLevelEncoding))")
                }
                let length = Int(try c.readUInt32LE())
                var lc = ByteCursor(try c.read(count: length))
                levels = try decodeLevels(&lc, count: n)
            }
            try decodeValues(&c, encoding: dh.encoding, levels: levels, count: n, dictionary: dictionary, into: &builder)
        }
        return n
    }

    private func readDataPageV2(
        _ header: PageHeader, _ body: UnsafeRawBufferPointer, remaining: Int, dictionary: PageValues?,
        into builder: inout ColumnBuilder
    ) throws -> Int {
        guard let dh = header.dataPageHeaderV2 else { throw ParquetError.corrupt("data page v2 without its header") }
        let n = try checkedCount(dh.numValues, remaining: remaining)
        let repLength = Int(dh.repetitionLevelsByteLength), defLength = Int(dh.definitionLevelsByteLength)
        guard repLength >= 0, defLength >= 0, repLength + defLength <= body.count,
            repLength + defLength <= Int(header.uncompressedPageSize)
        else { throw ParquetError.corrupt("data page v2 level lengths (\(repLength), \(defLength)) exceed the page") }
        var c = ByteCursor(body)
        try c.skip(repLength)  // flat columns have no repetition levels
        let levelBytes = try c.read(count: defLength)
        var levels: [UInt8]?
        if column.maxDefinitionLevel > 0 {
            var lc = ByteCursor(levelBytes)
            levels = try decodeLevels(&lc, count: n)
        }
        let valuesBody = c.readRest()
        let valuesSize = Int(header.uncompressedPageSize) - repLength - defLength
        let codec = dh.isCompressed ? meta.codec : CompressionCodec.uncompressed
        try PageCodec.withDecompressed(valuesBody, codec: codec, size: valuesSize) { buf in
            var vc = ByteCursor(buf)
            try decodeValues(&vc, encoding: dh.encoding, levels: levels, count: n, dictionary: dictionary, into: &builder)
        }
        return n
    }

    /// A page's value count, which for a flat column is its row count.
    private func checkedCount(_ numValues: Int32, remaining: Int) throws -> Int {
        guard numValues >= 0, Int(numValues) <= remaining else {
            throw ParquetError.corrupt("page holds \(numValues) values but only \(remaining) rows of the row group remain")
        }
        return Int(numValues)
    }

    private func decodeLevels(_ c: inout ByteCursor, count: Int) throws -> [UInt8] {
        var levels: [UInt8] = []
        try RLEHybrid.decode(&c, bitWidth: bitLength(UInt64(column.maxDefinitionLevel)), count: count, into: &levels)
        let maxLevel = UInt8(column.maxDefinitionLevel)
        for l in levels where l > maxLevel { throw ParquetError.corrupt("definition level \(l) above the maximum \(maxLevel)") }
        return levels
    }

    private func decodeValues(
        _ c: inout ByteCursor, encoding: Int32, levels: [UInt8]?, count: Int, dictionary: PageValues?,
        into builder: inout ColumnBuilder
    ) throws {
        let maxLevel = UInt8(column.maxDefinitionLevel)
        let present = levels.map { $0.reduce(0) { $0 + ($1 == maxLevel ? 1 : 0) } } ?? count
        let data = try ValueDecoder.decode(&c, encoding: encoding, count: present, conversion: column.conversion, dictionary: dictionary)
        PageScatter.append(data, dictionary: dictionary, levels: levels, maxDefinition: maxLevel, into: &builder)
    }
}
