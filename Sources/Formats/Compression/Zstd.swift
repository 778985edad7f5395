import CZstd

/// Errors from libzstd, with the library's own message.
public struct ZstdError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "zstd: \(message)" }
}

/// One-shot zstd compression of whole buffers (Parquet pages, state files, checkpoints).
public enum Zstd {
    /// Compresses `input` into one zstd frame.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 3) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        // Uninitialised: the codec writes every byte it reports.
        return try [UInt8](unsafeUninitializedCapacity: bound) { dst, initialized in
            let written = ZSTD_compress(dst.baseAddress, bound, input.baseAddress, input.count, level)
            if ZSTD_isError(written) != 0 { throw ZstdError(message: String(cString: ZSTD_getErrorName(written))) }
            initialized = written
        }
    }

    public static func compress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, level: level) }
    }

    /// Decompresses one or more frames whose total decompressed size is exactly `size`
    /// (the size is recorded next to the data by every caller, e.g. Parquet's page header).
    public static func decompress(_ input: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: size) { dst, initialized in
            let n = ZSTD_decompress(dst.baseAddress, size, input.baseAddress, input.count)
            if ZSTD_isError(n) != 0 { throw ZstdError(message: String(cString: ZSTD_getErrorName(n))) }
            guard n == size else { throw ZstdError(message: "expected \(size) decompressed bytes, got \(n)") }
            initialized = n
        }
    }

    /// Decompresses a frame that records its content size (as `compress` writes), within `limit` bytes.
    public static func decompress(_ input: [UInt8], limit: Int = 1 << 30) throws -> [UInt8] {
        try input.withUnsafeBytes { src in
            let size = ZSTD_getFrameContentSize(src.baseAddress, src.count)
            // ZSTD_CONTENTSIZE_UNKNOWN / _ERROR are the two largest UInt64 values.
            guard size < UInt64.max - 1 else { throw ZstdError(message: "frame has no content size or is not zstd data") }
            guard size <= UInt64(limit) else { throw ZstdError(message: "frame declares \(size) bytes, over the limit of \(limit)") }
            return try decompress(src, size: Int(size))
        }
    }
}
