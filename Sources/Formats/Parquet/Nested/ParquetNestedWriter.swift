import Columnar

/// Writes a file with a nested schema from already-striped leaf columns (one row group, one
/// v1 data page per column). Meant for small metadata files such as Delta checkpoints; data
/// files use `ParquetWriter`.
public enum ParquetNestedWriter {
    /// The bytes of a Parquet file holding `rowCount` records of `schema`, given each leaf's
    /// levels and values in `ParquetNestedSchema` leaf order.
    public static func write(
        schema: [ParquetNode], rowCount: Int, leaves: [ParquetLeafData], compression: ParquetCompression = .zstd,
        createdBy: String = "sluice version 0.1.0"
    ) throws -> [UInt8] {
        let infos = ParquetNestedSchema.leaves(schema)
        guard infos.count == leaves.count else {
            throw ParquetError.invalidArgument("schema has \(infos.count) leaves, \(leaves.count) were given")
        }
        var out: [UInt8] = ParquetWriter.magic
        var chunks: [ColumnChunk] = []
        var totalUncompressed: Int64 = 0
        for (info, data) in zip(infos, leaves) {
            let rows = data.repetitionLevels.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            guard rows == rowCount, data.definitionLevels.count == data.repetitionLevels.count else {
                throw ParquetError.invalidArgument("leaf \(info.path.joined(separator: ".")) has \(rows) records, expected \(rowCount)")
            }
            let column = data.values.finish()
            let present = data.definitionLevels.reduce(0) { $0 + (Int($1) == info.maxDefinitionLevel ? 1 : 0) }
            guard column.count == present, column.type == info.type else {
                throw ParquetError.invalidArgument("leaf \(info.path.joined(separator: ".")) has \(column.count) values for \(present) present entries")
            }
            var body: [UInt8] = []
            if info.maxRepetitionLevel > 0 { LevelEncoder.appendV1(data.repetitionLevels, maxLevel: info.maxRepetitionLevel, to: &body) }
            if info.maxDefinitionLevel > 0 { LevelEncoder.appendV1(data.definitionLevels, maxLevel: info.maxDefinitionLevel, to: &body) }
            switch column.values {
            case .bool(let a): PlainEncoder.append(a, to: &body)
            case .int64(let a):
                if info.isInt32 { PlainEncoder.append(a.map { Int32(truncatingIfNeeded: $0) }, to: &body) } else { PlainEncoder.append(a, to: &body) }
            case .int32(let a): PlainEncoder.append(a, to: &body)
            case .double(let a): PlainEncoder.append(a, to: &body)
            case .string(let s):
                s.bytes.withUnsafeBufferPointer { buf in
                    for i in 0..<s.count { PlainEncoder.appendByteArray(UnsafeBufferPointer(rebasing: buf[s.offsets[i]..<s.offsets[i + 1]]), to: &body) }
                }
            }
            var pages = PageWriter(compression: compression, zstdLevel: 3)
            try pages.writeDataPage(body: body, numValues: data.count, encoding: Encoding.plain)
            var meta = ColumnMetaData()
            meta.type = info.isInt32 ? PhysicalType.int32.rawValue : ParquetSchemaWriter.element(for: Field("x", info.type)).type!.rawValue
            meta.encodings = [Encoding.plain, Encoding.rle]
            meta.pathInSchema = info.path
            meta.codec = compression.codec
            meta.numValues = Int64(data.count)
            meta.totalUncompressedSize = Int64(pages.totalUncompressed)
            meta.totalCompressedSize = Int64(pages.totalCompressed)
            meta.dataPageOffset = Int64(out.count)
            var stats = Statistics()
            stats.nullCount = Int64(data.count - present)
            meta.statistics = stats
            chunks.append(ColumnChunk(filePath: nil, fileOffset: Int64(out.count), metaData: meta))
            out.append(contentsOf: pages.bytes)
            totalUncompressed += Int64(pages.totalUncompressed)
        }
        var meta = FileMetaData()
        meta.version = 1
        meta.schema = ParquetNestedSchema.elements(schema)
        meta.numRows = Int64(rowCount)
        meta.rowGroups = [RowGroup(
            columns: chunks, totalByteSize: totalUncompressed, numRows: Int64(rowCount), fileOffset: 4,
            totalCompressedSize: Int64(out.count - 4), ordinal: 0)]
        meta.createdBy = createdBy
        meta.columnOrders = Array(repeating: .typeDefined, count: infos.count)
        let footer = meta.serialized()
        out.append(contentsOf: footer)
        out.appendLittleEndian(UInt32(footer.count))
        out.append(contentsOf: ParquetWriter.magic)
        return out
    }
}
