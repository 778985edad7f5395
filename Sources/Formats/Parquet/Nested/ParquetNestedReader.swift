import Columnar

/// Reads leaf columns of a Parquet file with any schema (nested included) as levels plus
/// values, for callers that reassemble records themselves (Delta checkpoints). Handles what
/// other writers produce for such files: v1 and v2 data pages, dictionary pages, and the
/// codecs and encodings of `ParquetFile`. The whole file is read into memory: meant for
/// metadata files, not data.
public struct ParquetNestedFile: Sendable {
    public let rowCount: Int
    /// Every leaf column, depth-first.
    public let leaves: [ParquetLeafInfo]
    private let conversions: [Result<ValueConversion, ParquetError>]
    private let bytes: [UInt8]
    private let metadata: FileMetaData
    private let name: String

    public init(path: String) throws {
        try self.init(bytes: try Storage.at(path).read(path), name: path)
    }

    public init(bytes: [UInt8], name: String = "in-memory file") throws {
        self.bytes = bytes
        self.name = name
        let size = bytes.count
        guard size >= 12, Array(bytes.prefix(4)) == ParquetWriter.magic, Array(bytes.suffix(4)) == ParquetWriter.magic else {
            throw ParquetError.corrupt("\(name): not a Parquet file")
        }
        let footerLength = Int(UInt32(bytes[size - 8]) | UInt32(bytes[size - 7]) << 8 | UInt32(bytes[size - 6]) << 16 | UInt32(bytes[size - 5]) << 24)
        guard footerLength <= size - 12 else { throw ParquetError.corrupt("\(name): footer length \(footerLength) exceeds the file") }
        let meta = try ParquetError.withContext("\(name): footer") {
            try bytes.withUnsafeBytes { buf in
                var r = ThriftCompactReader(ByteCursor(UnsafeRawBufferPointer(rebasing: buf[(size - 8 - footerLength)..<(size - 8)])))
                return try FileMetaData.decode(&r)
            }
        }
        metadata = meta
        var rows: Int64 = 0
        for g in meta.rowGroups {
            let (sum, overflow) = rows.addingReportingOverflow(g.numRows)
            guard g.numRows >= 0, !overflow else { throw ParquetError.corrupt("\(name): row counts overflow") }
            rows = sum
        }
        rowCount = Int(rows)
        var leaves: [ParquetLeafInfo] = []
        var conversions: [Result<ValueConversion, ParquetError>] = []
        var pos = 1
        func walk(_ path: [String], _ def: Int, _ rep: Int, depth: Int) throws {
            guard depth < 64, pos < meta.schema.count else { throw ParquetError.corrupt("\(name): schema ends early or nests too deeply") }
            let e = meta.schema[pos]
            pos += 1
            let d = def + (e.repetition == .required ? 0 : 1)
            let r = rep + (e.repetition == .repeated ? 1 : 0)
            let children = Int(e.numChildren ?? 0)
            if e.type != nil && children == 0 {
                let conversion = Self.conversion(e)
                conversions.append(conversion)
                let type = (try? conversion.get())?.engineType ?? .string
                leaves.append(ParquetLeafInfo(path: path + [e.name], type: type, maxDefinitionLevel: d, maxRepetitionLevel: r))
                return
            }
            for _ in 0..<children { try walk(path + [e.name], d, r, depth: depth + 1) }
        }
        guard let root = meta.schema.first else { throw ParquetError.corrupt("\(name): empty schema") }
        for _ in 0..<Int(root.numChildren ?? 0) { try walk([], 0, 0, depth: 1) }
        self.leaves = leaves
        self.conversions = conversions
    }

    /// How a leaf's physical values become engine values.
    private static func conversion(_ e: SchemaElement) -> Result<ValueConversion, ParquetError> {
        switch e.type {
        case .boolean?: return .success(.bool)
        case .int32?:
            if e.logicalType == .date || (e.logicalType == nil && e.convertedType == ConvertedType.date) { return .success(.int32Date) }
            return .success(.int32ToInt64(unsigned: false))
        case .int64?:
            if case .timestamp(_, let unit)? = e.logicalType { return .success(.int64Timestamp(unit ?? .micros)) }
            if e.convertedType == ConvertedType.timestampMicros { return .success(.int64Timestamp(.micros)) }
            if e.convertedType == ConvertedType.timestampMillis { return .success(.int64Timestamp(.millis)) }
            return .success(.int64)
        case .int96?: return .success(.int96Timestamp)
        case .float?: return .success(.floatToDouble)
        case .double?: return .success(.double)
        case .byteArray?: return .success(.byteArrayString)
        default: return .failure(.unsupported("column '\(e.name)': physical type \(e.rawType.map(String.init) ?? "none")"))
        }
    }

    /// The leaf at `path`, or nil.
    public func leaf(_ path: [String]) -> ParquetLeafInfo? { leaves.first { $0.path == path } }

    /// Levels and values of the leaf at `path`, across all row groups.
    public func read(_ path: [String]) throws -> ParquetLeafData {
        guard let index = leaves.firstIndex(where: { $0.path == path }) else {
            throw ParquetError.invalidArgument("\(name) has no column \(path.joined(separator: "."))")
        }
        let info = leaves[index]
        let conversion = try conversions[index].get()
        var out = ParquetLeafData(type: conversion.engineType)
        for (gi, g) in metadata.rowGroups.enumerated() {
            guard index < g.columns.count, let meta = g.columns[index].metaData else {
                throw ParquetError.corrupt("\(name): row group \(gi) lacks column \(path.joined(separator: "."))")
            }
            try ParquetError.withContext("\(name): column \(path.joined(separator: ".")), row group \(gi)") {
                try readChunk(meta, info: info, conversion: conversion, into: &out)
            }
        }
        return out
    }

    private func readChunk(_ meta: ColumnMetaData, info: ParquetLeafInfo, conversion: ValueConversion, into out: inout ParquetLeafData) throws {
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        guard start >= 4, meta.totalCompressedSize >= 0, start + meta.totalCompressedSize <= Int64(bytes.count - 8) else {
            throw ParquetError.corrupt("chunk range outside the file")
        }
        try bytes.withUnsafeBytes { all in
            var cursor = ByteCursor(UnsafeRawBufferPointer(rebasing: all[Int(start)..<Int(start + meta.totalCompressedSize)]))
            var dictionary: PageValues?
            var entries: Int64 = 0
            while entries < meta.numValues {
                guard !cursor.isAtEnd else { throw ParquetError.corrupt("chunk ends after \(entries) of \(meta.numValues) values") }
                var thrift = ThriftCompactReader(cursor)
                let header = try PageHeader.decode(&thrift)
                cursor = thrift.cursor
                guard header.compressedPageSize >= 0, Int(header.compressedPageSize) <= cursor.remaining else {
                    throw ParquetError.corrupt("page size \(header.compressedPageSize) exceeds the chunk")
                }
                let body = try cursor.read(count: Int(header.compressedPageSize))
                switch header.type {
                case PageType.dictionaryPage:
                    guard let dh = header.dictionaryPageHeader else { throw ParquetError.corrupt("dictionary page without header") }
                    dictionary = try PageCodec.withDecompressed(body, codec: meta.codec, size: Int(header.uncompressedPageSize)) {
                        try PlainDecoder.decode($0, count: try Self.pageCount(dh.numValues, remaining: Int64.max), as: conversion)
                    }
                case PageType.dataPage:
                    guard let dh = header.dataPageHeader else { throw ParquetError.corrupt("data page without header") }
                    let n = try Self.pageCount(dh.numValues, remaining: meta.numValues - entries)
                    try PageCodec.withDecompressed(body, codec: meta.codec, size: Int(header.uncompressedPageSize)) { buf in
                        var c = ByteCursor(buf)
                        let rep = try levels(&c, count: n, max: info.maxRepetitionLevel, prefixed: true)
                        let def = try levels(&c, count: n, max: info.maxDefinitionLevel, prefixed: true)
                        try append(&c, rep: rep, def: def, encoding: dh.encoding, info: info, conversion: conversion, dictionary: dictionary, into: &out)
                    }
                    entries += Int64(n)
                case PageType.dataPageV2:
                    guard let dh = header.dataPageHeaderV2 else { throw ParquetError.corrupt("data page v2 without header") }
                    let n = try Self.pageCount(dh.numValues, remaining: meta.numValues - entries)
                    var c = ByteCursor(body)
                    var rc = ByteCursor(try c.read(count: Int(dh.repetitionLevelsByteLength)))
                    var dc = ByteCursor(try c.read(count: Int(dh.definitionLevelsByteLength)))
                    let rep = try levels(&rc, count: n, max: info.maxRepetitionLevel, prefixed: false)
                    let def = try levels(&dc, count: n, max: info.maxDefinitionLevel, prefixed: false)
                    let size = Int(header.uncompressedPageSize) - Int(dh.repetitionLevelsByteLength) - Int(dh.definitionLevelsByteLength)
                    try PageCodec.withDecompressed(c.readRest(), codec: dh.isCompressed ? meta.codec : CompressionCodec.uncompressed, size: size) { buf in
                        var vc = ByteCursor(buf)
                        try append(&vc, rep: rep, def: def, encoding: dh.encoding, info: info, conversion: conversion, dictionary: dictionary, into: &out)
                    }
                    entries += Int64(n)
                default:
                    break
                }
            }
        }
    }

    /// A page's value count, refused if negative or beyond what the chunk has left (a corrupt
    /// header must fail the read, not size an allocation).
    private static func pageCount(_ numValues: Int32, remaining: Int64) throws -> Int {
        guard numValues >= 0, Int64(numValues) <= remaining else {
            throw ParquetError.corrupt("page holds \(numValues) values but only \(remaining) remain in the chunk")
        }
        return Int(numValues)
    }

    /// Level stream of `count` entries (all zero when the maximum is 0).
    private func levels(_ c: inout ByteCursor, count: Int, max: Int, prefixed: Bool) throws -> [UInt8] {
        if max == 0 { return [UInt8](repeating: 0, count: count) }
        var out: [UInt8] = []
        if prefixed {
            let length = Int(try c.readUInt32LE())
            var lc = ByteCursor(try c.read(count: length))
            try RLEHybrid.decode(&lc, bitWidth: bitLength(UInt64(max)), count: count, into: &out)
        } else {
            try RLEHybrid.decode(&c, bitWidth: bitLength(UInt64(max)), count: count, into: &out)
        }
        for l in out where Int(l) > max { throw ParquetError.corrupt("level \(l) above the maximum \(max)") }
        return out
    }

    private func append(
        _ c: inout ByteCursor, rep: [UInt8], def: [UInt8], encoding: Int32, info: ParquetLeafInfo, conversion: ValueConversion,
        dictionary: PageValues?, into out: inout ParquetLeafData
    ) throws {
        let present = def.reduce(0) { $0 + (Int($1) == info.maxDefinitionLevel ? 1 : 0) }
        let data = try ValueDecoder.decode(&c, encoding: encoding, count: present, conversion: conversion, dictionary: dictionary)
        out.repetitionLevels += rep
        out.definitionLevels += def
        // Values only: absent entries live in the levels.
        PageScatter.append(data, dictionary: dictionary, levels: nil, maxDefinition: 0, into: &out.values)
    }
}
