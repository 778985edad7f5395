extension RecordFileReader {
    /// Reads a whole file already fetched into memory (an object from an object store), with
    /// the same naming rule as `read(path:)`: a `.zst` suffix means zstd-compressed.
    public func read(fileBytes: [UInt8], path: String) throws -> FileReadResult {
        guard ChunkedFile.isCompressed(path) else { return try fileBytes.withUnsafeBytes { try read(bytes: $0, path: path) } }
        let text = try ChunkedFile.decompressWhole(fileBytes, path: path)
        return try text.withUnsafeBytes { try read(bytes: $0, path: path) }
    }
}

extension ChunkedFile {
    /// The decompressed bytes of a whole zstd file held in memory (frames need not record their
    /// size, as streaming compressors leave it out). Corrupt or truncated data throws a
    /// `ReadError` naming `path`.
    static func decompressWhole(_ compressed: [UInt8], path: String) throws -> [UInt8] {
        let decoder: ZstdStreamDecoder
        do { decoder = try ZstdStreamDecoder() } catch let e as ZstdError { throw ReadError(path: path, line: nil, reason: e.message) }
        let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: readBufferBytes)
        defer { output.deallocate() }
        var text: [UInt8] = []
        do {
            try compressed.withUnsafeBytes { input in
                try decoder.decompress(input, into: output) { text.append(contentsOf: $0) }
            }
        } catch let e as ZstdError {
            throw ReadError(path: path, line: nil, reason: "corrupt zstd data after \(text.count) decompressed bytes: \(e.message)")
        }
        guard decoder.isAtFrameEnd else {
            throw ReadError(path: path, line: nil, reason: "truncated zstd data: the file ends inside a frame after \(text.count) decompressed bytes")
        }
        return text
    }
}
