import Columnar

/// Page and dictionary limits shared by the column writers of one file.
struct ColumnWriterSettings {
    var compression: ParquetCompression
    var zstdLevel: Int32
    var dictionaryEnabled: Bool
    var dictionaryPageSizeLimit: Int
    var dataPageSize: Int
    var dataPageRowLimit: Int
}

/// Writes one column of the current row group: buffers the current page's levels and
/// values, cuts pages at the size limits, dictionary-encodes strings until the dictionary
/// outgrows its limit (then continues PLAIN), and finally lays out the column chunk.
struct ColumnChunkWriter {
    let field: Field
    let leaf: LeafDescriptor
    private let settings: ColumnWriterSettings
    private var pages: PageWriter

    /// Statistics of the current chunk.
    private(set) var statistics: StatisticsAccumulator
    private var chunkValues = 0
    private var dictionary: ByteArrayDictionary?
    /// A dictionary abandoned mid-chunk: still written as the chunk's dictionary page.
    private var fallbackDictionary: ByteArrayDictionary?
    private var usedDictionary = false

    // The page being filled: one level per row (flat columns) and the non-null values.
    private var defLevels: [UInt8] = []
    private var pageLevelCount = 0
    private var bools: [Bool] = []
    private var int64s: [Int64] = []
    private var int32s: [Int32] = []
    private var doubles: [Double] = []
    private var plainBytes: [UInt8] = []
    private var indices: [UInt32] = []
    private var body: [UInt8] = []

    init(field: Field, settings: ColumnWriterSettings) {
        self.field = field
        self.leaf = ParquetSchemaWriter.leaf(for: field)
        self.settings = settings
        self.pages = PageWriter(compression: settings.compression, zstdLevel: settings.zstdLevel)
        self.statistics = StatisticsAccumulator(type: field.type)
        startChunk()
    }

    private mutating func startChunk() {
        statistics = StatisticsAccumulator(type: field.type)
        chunkValues = 0
        usedDictionary = false
        dictionary = field.type == .string && settings.dictionaryEnabled ? ByteArrayDictionary() : nil
        pages.reset()
    }

    /// Bytes this chunk would take if finished now (compressed pages so far plus the
    /// uncompressed estimate of the rest), for row-group size limits.
    var estimatedSize: Int { pages.bytes.count + estimatedPageSize + ((dictionary ?? fallbackDictionary)?.plainSize ?? 0) }

    private var estimatedPageSize: Int {
        let levels = defLevels.count / 8
        let values: Int
        switch field.type {
        case .bool: values = bools.count / 8
        case .int64, .timestamp: values = int64s.count * 8
        case .date: values = int32s.count * 4
        case .double: values = doubles.count * 8
        case .string:
            if let d = dictionary {
                values = indices.count * max(1, bitLength(UInt64(d.count))) / 8
            } else {
                values = plainBytes.count
            }
        }
        return levels + values
    }

    /// Appends rows `range` of `column` (which has the field's type).
    mutating func write(_ column: Column, rows range: Range<Int>) throws {
        if column.nullCount > 0 && !field.nullable {
            throw ParquetError.invalidArgument("column '\(field.name)' is not nullable but holds nulls")
        }
        // Slices bound how far a page or the dictionary can overshoot its limit.
        let step = field.type == .string ? 1024 : 4096
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + step, range.upperBound, start + max(1, settings.dataPageRowLimit - pageLevelCount))
            appendSlice(column, start..<end)
            if let d = dictionary, d.plainSize > settings.dictionaryPageSizeLimit {
                // Pages written so far keep their indices; the rest of the chunk is PLAIN.
                try flushPage()
                dictionary = nil
                fallbackDictionary = d
            }
            if pageLevelCount >= settings.dataPageRowLimit || estimatedPageSize >= settings.dataPageSize {
                try flushPage()
            }
            start = end
        }
    }

    private mutating func appendSlice(_ column: Column, _ r: Range<Int>) {
        let words = column.validity?.words
        @inline(__always) func valid(_ i: Int) -> Bool {
            guard let w = words else { return true }
            return (w[i >> 6] >> UInt64(i & 63)) & 1 == 1
        }
        if leaf.maxDefinitionLevel > 0 {
            if words == nil {
                defLevels.append(contentsOf: repeatElement(1, count: r.count))
            } else {
                for i in r { defLevels.append(valid(i) ? 1 : 0) }
            }
        }
        pageLevelCount += r.count
        var present = 0
        switch column.values {
        case .bool(let a):
            var sawFalse = false, sawTrue = false
            for i in r where valid(i) {
                bools.append(a[i])
                if a[i] { sawTrue = true } else { sawFalse = true }
                present += 1
            }
            if present > 0 { statistics.add(intRange: sawFalse ? 0 : 1, sawTrue ? 1 : 0) }
        case .int64(let a):
            var lo = Int64.max, hi = Int64.min
            if words == nil {
                int64s.append(contentsOf: a[r])
                for x in a[r] {
                    lo = min(lo, x)
                    hi = max(hi, x)
                }
                present = r.count
            } else {
                for i in r where valid(i) {
                    let x = a[i]
                    int64s.append(x)
                    lo = min(lo, x)
                    hi = max(hi, x)
                    present += 1
                }
            }
            if present > 0 { statistics.add(intRange: lo, hi) }
        case .int32(let a):
            var lo = Int32.max, hi = Int32.min
            for i in r where valid(i) {
                let x = a[i]
                int32s.append(x)
                lo = min(lo, x)
                hi = max(hi, x)
                present += 1
            }
            if present > 0 { statistics.add(intRange: Int64(lo), Int64(hi)) }
        case .double(let a):
            var lo = Double.infinity, hi = -Double.infinity, numbers = 0
            for i in r where valid(i) {
                let x = a[i]
                doubles.append(x)
                present += 1
                if !x.isNaN {
                    lo = min(lo, x)
                    hi = max(hi, x)
                    numbers += 1
                }
            }
            if numbers > 0 { statistics.add(doubleRange: lo, hi) }
        case .string(let a):
            present = appendStrings(a, r, valid)
        }
        statistics.addNulls(r.count - present)
    }

    private mutating func appendStrings(_ a: StringArray, _ r: Range<Int>, _ valid: (Int) -> Bool) -> Int {
        var present = 0
        let offsets = a.offsets
        a.bytes.withUnsafeBufferPointer { buf in
            if var d = dictionary {
                dictionary = nil  // keep the dictionary uniquely referenced while it grows
                for i in r where valid(i) {
                    let v = UnsafeBufferPointer(rebasing: buf[offsets[i]..<offsets[i + 1]])
                    let (index, inserted) = d.index(of: v)
                    if inserted { statistics.add(bytes: v) }
                    indices.append(UInt32(index))
                    present += 1
                }
                dictionary = d
            } else {
                for i in r where valid(i) {
                    let v = UnsafeBufferPointer(rebasing: buf[offsets[i]..<offsets[i + 1]])
                    statistics.add(bytes: v)
                    PlainEncoder.appendByteArray(v, to: &plainBytes)
                    present += 1
                }
            }
        }
        return present
    }

    /// Encodes and compresses the current page. An empty page is only written when the
    /// chunk has none yet (a chunk needs at least one data page).
    private mutating func flushPage() throws {
        guard pageLevelCount > 0 || pages.pageCount == 0 else { return }
        body.removeAll(keepingCapacity: true)
        if leaf.maxDefinitionLevel > 0 { LevelEncoder.appendV1(defLevels, maxLevel: leaf.maxDefinitionLevel, to: &body) }
        var encoding = Encoding.plain
        switch field.type {
        case .bool: PlainEncoder.append(bools, to: &body)
        case .int64, .timestamp: PlainEncoder.append(int64s, to: &body)
        case .date: PlainEncoder.append(int32s, to: &body)
        case .double: PlainEncoder.append(doubles, to: &body)
        case .string:
            if let d = dictionary {
                let width = bitLength(UInt64(max(d.count - 1, 0)))
                body.append(UInt8(width))
                RLEHybrid.encode(indices, bitWidth: width, into: &body)
                encoding = Encoding.rleDictionary
                usedDictionary = true
            } else {
                body.append(contentsOf: plainBytes)
            }
        }
        try pages.writeDataPage(body: body, numValues: pageLevelCount, encoding: encoding)
        chunkValues += pageLevelCount
        pageLevelCount = 0
        defLevels.removeAll(keepingCapacity: true)
        bools.removeAll(keepingCapacity: true)
        int64s.removeAll(keepingCapacity: true)
        int32s.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        plainBytes.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
    }

    /// Appends the finished chunk (dictionary page first) to `out` and returns its metadata.
    /// The writer is then ready for the next row group.
    mutating func finishChunk(appendingTo out: inout [UInt8]) throws -> ColumnChunk {
        try flushPage()
        let offset = out.count
        var meta = ColumnMetaData()
        meta.type = leaf.physicalType.rawValue
        meta.pathInSchema = leaf.path
        meta.codec = settings.compression.codec
        meta.numValues = Int64(chunkValues)
        var uncompressed = pages.totalUncompressed
        var compressed = pages.totalCompressed
        if usedDictionary, let d = dictionary ?? fallbackDictionary {
            var dictPage = PageWriter(compression: settings.compression, zstdLevel: settings.zstdLevel)
            try dictPage.writeDictionaryPage(body: d.plain, numValues: d.count)
            out.append(contentsOf: dictPage.bytes)
            uncompressed += dictPage.totalUncompressed
            compressed += dictPage.totalCompressed
            meta.dictionaryPageOffset = Int64(offset)
        }
        meta.dataPageOffset = Int64(out.count)
        out.append(contentsOf: pages.bytes)
        meta.totalUncompressedSize = Int64(uncompressed)
        meta.totalCompressedSize = Int64(compressed)
        var encodings = [Encoding.plain]
        if leaf.maxDefinitionLevel > 0 || usedDictionary { encodings.append(Encoding.rle) }
        if usedDictionary { encodings.append(Encoding.rleDictionary) }
        meta.encodings = encodings
        meta.statistics = statistics.thrift
        fallbackDictionary = nil
        startChunk()
        return ColumnChunk(filePath: nil, fileOffset: Int64(offset), metaData: meta)
    }
}
