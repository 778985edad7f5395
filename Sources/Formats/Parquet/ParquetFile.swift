import Columnar

/// One row group of a file and the statistics a caller can use to skip it.
public struct ParquetRowGroup: Sendable {
    /// Position in `ParquetFile.rowGroups` (what `read(columns:rowGroups:)` takes).
    public let index: Int
    public let rowCount: Int
    /// Compressed bytes of the row group's column chunks.
    public let compressedSize: Int
    /// Statistics per readable column name (absent when the file has none for the column).
    public let statistics: [String: ParquetColumnStatistics]
    /// Compressed bytes of each top-level column's chunks (what reading that column costs).
    public let columnSizes: [String: Int]

    /// Statistics of `column`, or nil if the file records none.
    public func statistics(for column: String) -> ParquetColumnStatistics? { statistics[column] }
}

/// A Parquet file opened for reading: the footer is parsed up front, column chunks are
/// read and decoded on demand.
///
/// Supports flat schemas; BOOLEAN, INT32 (int64 or DATE), INT64 (int64 or TIMESTAMP in any
/// unit), INT96 timestamps, FLOAT/DOUBLE, BYTE_ARRAY (string); data pages v1 and v2; PLAIN,
/// dictionary, RLE, DELTA_* and BYTE_STREAM_SPLIT encodings; UNCOMPRESSED, SNAPPY and ZSTD.
/// Columns that cannot be read (nested, DECIMAL, ...) are listed in `unsupportedColumns`
/// and only fail a read that asks for them.
public struct ParquetFile: Sendable {
    /// The readable top-level columns.
    public let schema: Schema
    /// Rows over all row groups.
    public let rowCount: Int
    public let rowGroups: [ParquetRowGroup]
    /// The writer that produced the file, e.g. "parquet-cpp-arrow version 26.0.1".
    public let createdBy: String?
    /// Columns present in the file that cannot be read, with the reason.
    public let unsupportedColumns: [String: String]
    /// Bytes read to open the file: the magic at both ends, the footer and its length.
    public let footerBytesRead: Int

    private let source: ParquetSource
    private let fileSize: Int
    let metadata: FileMetaData
    private let columns: [ReaderColumn]

    /// Opens the file at `path`, reading only its footer. A file in an object store up to
    /// `wholeReadLimit` bytes is read with one request instead of one per footer and column
    /// chunk: requests, not bytes, are what cost time and money there.
    public init(path: String) throws {
        let storage = Storage.at(path)
        if !storage.isLocal, let status = try storage.status(path), status.size <= Self.wholeReadLimit {
            try self.init(source: .bytes(try storage.read(path)), name: path)
        } else {
            try self.init(source: .file(path: path), name: path)
        }
    }

    /// Object-store files up to this size are read whole (8 MiB).
    public static let wholeReadLimit: Int64 = 8 << 20

    /// Parses a file held in memory.
    public init(bytes: [UInt8]) throws {
        try self.init(source: .bytes(bytes), name: "in-memory file")
    }

    private init(source: ParquetSource, name: String) throws {
        self.source = source
        let size = try source.size()
        fileSize = size
        guard size >= 12 else { throw ParquetError.corrupt("\(name): \(size) bytes is too small for a Parquet file") }
        let head = try source.read(offset: 0, count: 4)
        let tail = try source.read(offset: size - 8, count: 8)
        if tail.suffix(4) == Array("PARE".utf8) { throw ParquetError.unsupported("\(name): encrypted Parquet files") }
        guard head == ParquetWriter.magic, Array(tail.suffix(4)) == ParquetWriter.magic else {
            throw ParquetError.corrupt("\(name): Parquet magic bytes not found")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength <= size - 12 else {
            throw ParquetError.corrupt("\(name): footer length \(footerLength) exceeds the file size \(size)")
        }
        let footer = try source.read(offset: size - 8 - footerLength, count: footerLength)
        footerBytesRead = 12 + footerLength
        let meta = try ParquetError.withContext("\(name): footer") {
            try footer.withUnsafeBytes { buf in
                var r = ThriftCompactReader(ByteCursor(buf))
                return try FileMetaData.decode(&r)
            }
        }
        guard !meta.isEncrypted else { throw ParquetError.unsupported("\(name): encrypted Parquet files") }
        metadata = meta
        createdBy = meta.createdBy
        columns = try ParquetError.withContext("\(name): schema") { try ParquetSchemaReader.columns(meta.schema) }
        let leafCount = columns.reduce(0) { $0 + $1.leafCount }

        var fields: [Field] = []
        var unsupported: [String: String] = [:]
        for c in columns {
            switch c.readable {
            case .success(let r): fields.append(r.field)
            case .failure(let e): unsupported[c.name] = e.message
            }
        }
        schema = Schema(fields)
        unsupportedColumns = unsupported

        var groups: [ParquetRowGroup] = []
        var total = 0
        for (gi, g) in meta.rowGroups.enumerated() {
            // No writer produces row groups anywhere near 2^31 rows; larger counts are corrupt.
            guard g.numRows >= 0, g.numRows <= Int64(Int32.max) else { throw ParquetError.corrupt("\(name): row group \(gi) has \(g.numRows) rows") }
            guard g.columns.count == leafCount else {
                throw ParquetError.corrupt("\(name): row group \(gi) has \(g.columns.count) column chunks, the schema has \(leafCount) leaves")
            }
            var stats: [String: ParquetColumnStatistics] = [:]
            var compressed = 0
            var sizes: [String: Int] = [:]
            for c in columns {
                var columnBytes = 0
                for leaf in c.firstLeaf..<(c.firstLeaf + c.leafCount) {
                    columnBytes += Int(min(max(0, g.columns[leaf].metaData?.totalCompressedSize ?? 0), Int64(size)))
                }
                compressed += columnBytes
                sizes[c.name] = columnBytes
                if case .success(let r) = c.readable, let s = g.columns[c.firstLeaf].metaData?.statistics {
                    stats[c.name] = ParquetColumnStatistics(s, conversion: r.conversion)
                }
            }
            groups.append(ParquetRowGroup(index: gi, rowCount: Int(g.numRows), compressedSize: compressed, statistics: stats, columnSizes: sizes))
            let (sum, overflow) = total.addingReportingOverflow(Int(g.numRows))
            guard !overflow else { throw ParquetError.corrupt("\(name): total row count overflows") }
            total = sum
        }
        rowGroups = groups
        rowCount = total
    }

    /// Reads `columns` (in the given order; all columns when nil, which throws if the file has
    /// `unsupportedColumns`) of the given row groups (all when nil) into one batch.
    public func read(columns names: [String]? = nil, rowGroups indices: [Int]? = nil) throws -> RecordBatch {
        let selected = try select(names)
        let groups = indices ?? Array(rowGroups.indices)
        for g in groups where g < 0 || g >= rowGroups.count {
            throw ParquetError.invalidArgument("row group \(g) does not exist (the file has \(rowGroups.count))")
        }
        let rows = groups.reduce(0) { $0 + rowGroups[$1].rowCount }
        if selected.isEmpty { return RecordBatch(emptyWithRows: rows) }
        var built: [Column] = []
        for (column, readable) in selected {
            // Row counts come from the footer: cap the up-front reservation, growth handles the rest.
            var builder = ColumnBuilder(type: readable.field.type, capacity: min(rows, 1 << 20))
            for g in groups {
                try ParquetError.withContext("column '\(column.name)', row group \(g)") {
                    try readChunk(column, readable, group: g, into: &builder)
                }
            }
            built.append(builder.finish())
        }
        return try RecordBatch(schema: Schema(selected.map { $0.1.field }), columns: built)
    }

    /// Reads the row groups for which `keep` returns true, e.g.
    /// `file.read(columns: ["ts"]) { $0.statistics(for: "ts")?.mightOverlap(lower: from, upper: to) ?? true }`.
    public func read(columns names: [String]? = nil, where keep: (ParquetRowGroup) throws -> Bool) throws -> RecordBatch {
        try read(columns: names, rowGroups: rowGroups.filter(keep).map(\.index))
    }

    private func select(_ names: [String]?) throws -> [(ReaderColumn, ReaderColumn.Readable)] {
        let wanted: [ReaderColumn]
        if let names {
            wanted = try names.map { n in
                guard let c = columns.first(where: { $0.name == n }) else {
                    throw ParquetError.invalidArgument("unknown column '\(n)'; available: \(columns.map(\.name).joined(separator: ", "))")
                }
                return c
            }
        } else {
            wanted = columns
        }
        return try wanted.map { c in
            switch c.readable {
            case .success(let r): return (c, r)
            case .failure(let e):
                throw names == nil ? e.adding(context: "reading all columns (project the readable ones to skip it)") : e
            }
        }
    }

    private func readChunk(_ column: ReaderColumn, _ readable: ReaderColumn.Readable, group: Int, into builder: inout ColumnBuilder) throws {
        let g = metadata.rowGroups[group]
        let chunk = g.columns[column.firstLeaf]
        guard !chunk.isEncrypted else { throw ParquetError.unsupported("encrypted column chunk") }
        guard chunk.filePath == nil else { throw ParquetError.unsupported("column chunk stored in another file (\(chunk.filePath!))") }
        guard let meta = chunk.metaData else { throw ParquetError.corrupt("column chunk without metadata") }
        guard meta.type == readable.physicalType.rawValue else {
            throw ParquetError.corrupt("chunk type \(meta.type) differs from the schema's \(readable.physicalType)")
        }
        // Some writers record a dictionary_page_offset of 0 when there is none.
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        let length = meta.totalCompressedSize
        let footerStart = Int64(fileSize - 8)
        guard start >= 4, length >= 0, start <= footerStart, length <= footerStart - start else {
            throw ParquetError.corrupt("chunk range \(start)+\(length) lies outside the file's data (\(fileSize) bytes)")
        }
        try source.withBytes(offset: Int(start), count: Int(length)) { buf in
            try ColumnChunkReader(column: readable, meta: meta).read(buf, rowCount: rowGroups[group].rowCount, into: &builder)
        }
    }
}
