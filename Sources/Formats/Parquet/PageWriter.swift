/// Compresses page bodies and lays pages out as header + body, keeping the size totals the
/// column metadata needs. Page sizes in headers exclude the header; chunk totals include it
/// (parquet.thrift: `PageHeader.compressed_page_size` and `ColumnMetaData.total_compressed_size`).
struct PageWriter {
    let compression: ParquetCompression
    let zstdLevel: Int32

    /// Bytes of the pages written so far (headers included).
    private(set) var bytes: [UInt8] = []
    private(set) var totalUncompressed = 0
    private(set) var totalCompressed = 0
    private(set) var pageCount = 0

    init(compression: ParquetCompression, zstdLevel: Int32) {
        self.compression = compression
        self.zstdLevel = zstdLevel
    }

    /// Appends a data page (v1) holding `numValues` level entries.
    mutating func writeDataPage(body: [UInt8], numValues: Int, encoding: Int32) throws {
        var header = PageHeader()
        header.type = PageType.dataPage
        header.dataPageHeader = DataPageHeader(
            numValues: try Self.int32(numValues, "page value count"), encoding: encoding,
            definitionLevelEncoding: Encoding.rle, repetitionLevelEncoding: Encoding.rle)
        try write(header: header, body: body)
    }

    /// Appends a dictionary page of `numValues` PLAIN entries.
    mutating func writeDictionaryPage(body: [UInt8], numValues: Int) throws {
        var header = PageHeader()
        header.type = PageType.dictionaryPage
        header.dictionaryPageHeader = DictionaryPageHeader(numValues: try Self.int32(numValues, "dictionary size"), encoding: Encoding.plain)
        try write(header: header, body: body)
    }

    private mutating func write(header: PageHeader, body: [UInt8]) throws {
        var header = header
        let compressed = try PageCodec.compress(body, codec: compression, zstdLevel: zstdLevel)
        header.uncompressedPageSize = try Self.int32(body.count, "page size")
        header.compressedPageSize = try Self.int32(compressed.count, "compressed page size")
        let h = header.serialized()
        bytes.append(contentsOf: h)
        bytes.append(contentsOf: compressed)
        totalUncompressed += h.count + body.count
        totalCompressed += h.count + compressed.count
        pageCount += 1
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        totalUncompressed = 0
        totalCompressed = 0
        pageCount = 0
    }

    private static func int32(_ v: Int, _ what: String) throws -> Int32 {
        guard let r = Int32(exactly: v) else { throw ParquetError.invalidArgument("\(what) \(v) exceeds Parquet's 32-bit limit") }
        return r
    }
}

/// Level streams in the layout of a v1 data page: each present stream as a 4-byte
/// little-endian length followed by RLE/bit-packed levels (the Parquet format's Encodings.md,
/// "Run Length Encoding / Bit-Packing Hybrid").
enum LevelEncoder {
    static func appendV1(_ levels: [UInt8], maxLevel: Int, to out: inout [UInt8]) {
        let lengthAt = out.count
        out.append(contentsOf: [0, 0, 0, 0])
        RLEHybrid.encode(levels, bitWidth: bitLength(UInt64(maxLevel)), into: &out)
        let n = UInt32(out.count - lengthAt - 4)
        for k in 0..<4 { out[lengthAt + k] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(k))) }
    }
}
