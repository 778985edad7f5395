import Columnar

/// Settings of a `ParquetWriter`. The defaults follow arrow/parquet-java: ~1 MiB data pages,
/// row groups of at most 1M rows or 128 MiB, zstd level 3, dictionary-encoded strings.
public struct ParquetWriterOptions: Sendable, Hashable {
    /// Codec of every page.
    public var compression: ParquetCompression
    /// zstd compression level (ignored for other codecs).
    public var zstdLevel: Int32
    /// Dictionary-encode string columns (falling back to PLAIN once the dictionary of a
    /// column chunk passes `dictionaryPageSizeLimit`).
    public var dictionary: Bool
    public var dictionaryPageSizeLimit: Int
    /// Target uncompressed size of a data page.
    public var dataPageSize: Int
    /// Maximum rows in a data page.
    public var dataPageRowLimit: Int
    /// Maximum rows in a row group.
    public var rowGroupRowLimit: Int
    /// Approximate maximum bytes of a row group (compressed pages plus the open pages).
    public var rowGroupByteLimit: Int
    /// `created_by` in the footer, in the "<app> version <x.y.z>" form readers parse.
    public var createdBy: String

    public init(
        compression: ParquetCompression = .zstd, zstdLevel: Int32 = 3, dictionary: Bool = true,
        dictionaryPageSizeLimit: Int = 1 << 20, dataPageSize: Int = 1 << 20, dataPageRowLimit: Int = 20_000,
        rowGroupRowLimit: Int = 1_000_000, rowGroupByteLimit: Int = 128 << 20,
        createdBy: String = "sluice version 0.1.0"
    ) {
        self.compression = compression
        self.zstdLevel = zstdLevel
        self.dictionary = dictionary
        self.dictionaryPageSizeLimit = dictionaryPageSizeLimit
        self.dataPageSize = dataPageSize
        self.dataPageRowLimit = dataPageRowLimit
        self.rowGroupRowLimit = rowGroupRowLimit
        self.rowGroupByteLimit = rowGroupByteLimit
        self.createdBy = createdBy
    }
}

/// Statistics of one column over a whole written file (what Delta's `add.stats` needs).
public struct ParquetColumnSummary: Sendable, Hashable {
    public let name: String
    public let type: DataType
    /// Number of null values.
    public let nullCount: Int
    /// Smallest non-null value; `.null` if all values are null (or, for doubles, NaN).
    /// Doubles follow Parquet's rule: a zero minimum is -0.0, a zero maximum +0.0.
    public let min: Value
    /// Largest non-null value; `.null` if there is none.
    public let max: Value
}

/// What a finished file holds.
public struct ParquetWriteSummary: Sendable, Hashable {
    /// Rows in the file.
    public let rowCount: Int
    /// Exact size of the file in bytes.
    public let fileSize: Int
    /// Row groups in the file.
    public let rowGroupCount: Int
    /// One entry per schema field, in order.
    public let columns: [ParquetColumnSummary]
}

/// A finished in-memory file.
public struct ParquetWriteResult: Sendable {
    /// The complete file.
    public let bytes: [UInt8]
    /// Row count, size and per-column statistics of `bytes`.
    public let summary: ParquetWriteSummary
}

/// Writes record batches as one Parquet file (flat schema, v1 data pages, PLAIN and
/// dictionary encodings, optional zstd/snappy compression, chunk statistics).
///
/// ```
/// var w = try ParquetWriter(schema: schema)
/// try w.write(batch)
/// let summary = try w.finish(toFile: path)
/// ```
public struct ParquetWriter: Sendable {
    /// Columns of the file; fields that are not nullable are written REQUIRED.
    public let schema: Schema
    public let options: ParquetWriterOptions
    private var output: [UInt8] = Array("PAR1".utf8)
    private var columns: [ColumnChunkWriter]
    private var fileStatistics: [StatisticsAccumulator]
    private var rowGroups: [RowGroup] = []
    private var rowsInGroup = 0
    private var totalRows = 0
    private var finished = false

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// A writer for `schema` (at least one column, unique names).
    public init(schema: Schema, options: ParquetWriterOptions = ParquetWriterOptions()) throws {
        guard schema.count > 0 else { throw ParquetError.invalidArgument("cannot write a schema without columns") }
        var seen = Set<String>()
        for f in schema.fields where !seen.insert(f.name).inserted {
            throw ParquetError.invalidArgument("duplicate column name '\(f.name)'")
        }
        guard options.dataPageSize > 0, options.dataPageRowLimit > 0, options.rowGroupRowLimit > 0,
            options.rowGroupByteLimit > 0, options.dictionaryPageSizeLimit > 0
        else { throw ParquetError.invalidArgument("page and row group limits must be positive") }
        self.schema = schema
        self.options = options
        let settings = ColumnWriterSettings(
            compression: options.compression, zstdLevel: options.zstdLevel, dictionaryEnabled: options.dictionary,
            dictionaryPageSizeLimit: options.dictionaryPageSizeLimit, dataPageSize: options.dataPageSize,
            dataPageRowLimit: options.dataPageRowLimit)
        columns = schema.fields.map { ColumnChunkWriter(field: $0, settings: settings) }
        fileStatistics = schema.fields.map { StatisticsAccumulator(type: $0.type) }
    }

    /// Rows written so far.
    public var rowCount: Int { totalRows }

    /// Approximate bytes of the file if it were finished now.
    public var estimatedSize: Int { output.count + columns.reduce(0) { $0 + $1.estimatedSize } }

    /// Appends a batch whose columns match the writer's schema by name and type.
    public mutating func write(_ batch: RecordBatch) throws {
        guard !finished else { throw ParquetError.invalidArgument("writer is already finished") }
        guard batch.schema.count == schema.count else {
            throw ParquetError.invalidArgument("batch has \(batch.schema.count) columns, the file has \(schema.count)")
        }
        for (a, b) in zip(batch.schema.fields, schema.fields) where a.name != b.name || a.type != b.type {
            throw ParquetError.invalidArgument("batch column '\(a.name): \(a.type)' does not match file column '\(b.name): \(b.type)'")
        }
        var start = 0
        while start < batch.rowCount {
            // Pieces end exactly at the row limit and let the byte limit be checked in between.
            let end = min(batch.rowCount, start + options.rowGroupRowLimit - rowsInGroup, start + 65_536)
            for i in columns.indices { try columns[i].write(batch.columns[i], rows: start..<end) }
            rowsInGroup += end - start
            totalRows += end - start
            if rowsInGroup >= options.rowGroupRowLimit || columns.reduce(0, { $0 + $1.estimatedSize }) >= options.rowGroupByteLimit {
                try flushRowGroup()
            }
            start = end
        }
    }

    /// Ends the current row group early (e.g. to bound what a reader must decode at once).
    public mutating func flushRowGroup() throws {
        guard rowsInGroup > 0 else { return }
        let groupStart = output.count
        var chunks: [ColumnChunk] = []
        var uncompressed: Int64 = 0
        for i in columns.indices {
            fileStatistics[i].merge(columns[i].statistics)
            let chunk = try columns[i].finishChunk(appendingTo: &output)
            uncompressed += chunk.metaData!.totalUncompressedSize
            chunks.append(chunk)
        }
        rowGroups.append(RowGroup(
            columns: chunks, totalByteSize: uncompressed, numRows: Int64(rowsInGroup), fileOffset: Int64(groupStart),
            totalCompressedSize: Int64(output.count - groupStart), ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        rowsInGroup = 0
    }

    /// Completes the file and returns its bytes.
    public mutating func finish() throws -> ParquetWriteResult {
        guard !finished else { throw ParquetError.invalidArgument("writer is already finished") }
        try flushRowGroup()
        finished = true
        var meta = FileMetaData()
        meta.version = 1
        meta.schema = ParquetSchemaWriter.elements(for: schema)
        meta.numRows = Int64(totalRows)
        meta.rowGroups = rowGroups
        meta.createdBy = options.createdBy
        meta.columnOrders = Array(repeating: .typeDefined, count: schema.count)
        let footer = meta.serialized()
        var bytes = output
        output = []
        bytes.append(contentsOf: footer)
        bytes.appendLittleEndian(UInt32(footer.count))
        bytes.append(contentsOf: Self.magic)
        let summary = ParquetWriteSummary(
            rowCount: totalRows, fileSize: bytes.count, rowGroupCount: rowGroups.count,
            columns: zip(schema.fields, fileStatistics).map { f, s in
                ParquetColumnSummary(name: f.name, type: f.type, nullCount: s.nullCount, min: s.min, max: s.max)
            })
        return ParquetWriteResult(bytes: bytes, summary: summary)
    }

    /// Completes the file and stores it at `path` durably: temporary file, fsync, rename,
    /// fsync of the directory, with the modes of `role`; in an object store, one PUT (multipart
    /// when large, see `Storage`). `summary.fileSize` is the exact size written.
    public mutating func finish(toFile path: String, role: FileRole = .restricted) throws -> ParquetWriteSummary {
        let result = try finish()
        try Storage.at(path).writeAtomically(path, result.bytes, role: role)
        return result.summary
    }
}
