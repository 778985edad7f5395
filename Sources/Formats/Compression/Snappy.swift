import CSnappy

/// Errors from libsnappy.
public struct SnappyError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "snappy: \(message)" }
}

/// One-shot Snappy compression of whole buffers (Parquet pages from Spark and pyarrow).
public enum Snappy {
    /// Compresses `input` into one Snappy block.
    public static func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let bound = snappy_max_compressed_length(input.count)
        // Uninitialised: the codec writes every byte it reports.
        return try [UInt8](unsafeUninitializedCapacity: max(bound, 1)) { dst, initialized in
            var length = bound
            let status = snappy_compress(
                input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self), &length)
            guard status == SNAPPY_OK else { throw SnappyError(message: "compression failed (status \(status.rawValue))") }
            initialized = length
        }
    }

    /// Decompresses a buffer that must expand to exactly `size` bytes (the size is recorded
    /// next to the data by every caller). libsnappy validates corrupt input.
    public static func decompress(_ input: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        let src = input.baseAddress?.assumingMemoryBound(to: CChar.self)
        var declared = 0
        guard input.count > 0, snappy_uncompressed_length(src, input.count, &declared) == SNAPPY_OK else {
            throw SnappyError(message: "invalid snappy header")
        }
        guard declared == size else { throw SnappyError(message: "data expands to \(declared) bytes, expected \(size)") }
        return try [UInt8](unsafeUninitializedCapacity: max(size, 1)) { dst, initialized in
            var length = size
            let status = snappy_uncompress(src, input.count, UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self), &length)
            guard status == SNAPPY_OK, length == size else { throw SnappyError(message: "corrupt snappy data") }
            initialized = size
        }
    }
}
