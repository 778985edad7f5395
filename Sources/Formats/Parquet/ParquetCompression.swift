import CZstd

/// Page compression codecs the writer can produce.
public enum ParquetCompression: String, Sendable, Hashable {
    case uncompressed
    /// Fast, larger files (Spark's and pyarrow's default).
    case snappy
    /// Smaller files; Delta's recommended codec.
    case zstd

    var codec: Int32 {
        switch self {
        case .uncompressed: return CompressionCodec.uncompressed
        case .snappy: return CompressionCodec.snappy
        case .zstd: return CompressionCodec.zstd
        }
    }
}

/// Codec dispatch for page bodies.
enum PageCodec {
    static func compress(_ body: [UInt8], codec: ParquetCompression, zstdLevel: Int32) throws -> [UInt8] {
        switch codec {
        case .uncompressed: return body
        case .zstd: return try Zstd.compress(body, level: zstdLevel)
        case .snappy: return try body.withUnsafeBytes { try Snappy.compress($0) }
        }
    }

    /// Calls `body` with the decompressed page, passing uncompressed pages through uncopied.
    static func withDecompressed<R>(
        _ data: UnsafeRawBufferPointer, codec: Int32, size: Int, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        if codec == CompressionCodec.uncompressed {
            guard data.count == size else {
                throw ParquetError.corrupt("uncompressed page has \(data.count) bytes, header says \(size)")
            }
            return try body(data)
        }
        return try decompress(data, codec: codec, size: size).withUnsafeBytes(body)
    }

    /// Decompresses a page body that must expand to exactly `size` bytes.
    static func decompress(_ body: UnsafeRawBufferPointer, codec: Int32, size: Int) throws -> [UInt8] {
        guard size >= 0 else { throw ParquetError.corrupt("negative uncompressed page size") }
        switch codec {
        case CompressionCodec.uncompressed:
            guard body.count == size else {
                throw ParquetError.corrupt("uncompressed page has \(body.count) bytes, header says \(size)")
            }
            return Array(body)
        case CompressionCodec.zstd:
            if size == 0 { return [] }
            // Check the size a single frame records before allocating what the header claims, so
            // a corrupt header cannot demand gigabytes. (Frames without a size, or several
            // frames, are still accepted.) UInt64.max and UInt64.max - 1 mean unknown / error.
            let recorded = ZSTD_getFrameContentSize(body.baseAddress, body.count)
            if recorded < UInt64.max - 1, ZSTD_findFrameCompressedSize(body.baseAddress, body.count) == body.count,
                recorded != UInt64(size)
            {
                throw ParquetError.corrupt("zstd frame holds \(recorded) bytes, page header says \(size)")
            }
            do {
                return try Zstd.decompress(body, size: size)
            } catch {
                throw ParquetError.corrupt("\(error)")
            }
        case CompressionCodec.snappy:
            if size == 0 && body.count <= 1 { return [] }
            do {
                return try Snappy.decompress(body, size: size)
            } catch {
                throw ParquetError.corrupt("\(error)")
            }
        default:
            throw ParquetError.unsupported("compression codec \(CompressionCodec.name(codec)) (supported: UNCOMPRESSED, SNAPPY, ZSTD)")
        }
    }
}
