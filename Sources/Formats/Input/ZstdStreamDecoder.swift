import CZstd

/// Incremental zstd decompression with libzstd's streaming API, so a compressed file of any
/// size is decoded through fixed-size buffers.
final class ZstdStreamDecoder {
    private let stream: OpaquePointer
    /// libzstd's hint from the last call: 0 once a frame is complete and fully flushed.
    private var lastHint = 0
    private var sawInput = false

    init() throws {
        guard let s = ZSTD_createDStream() else { throw ZstdError(message: "cannot allocate a decompression stream") }
        stream = s
        let r = ZSTD_initDStream(s)
        if ZSTD_isError(r) != 0 {
            ZSTD_freeDStream(s)
            throw ZstdError(message: String(cString: ZSTD_getErrorName(r)))
        }
    }

    deinit { ZSTD_freeDStream(stream) }

    /// Preferred size of the compressed input buffer.
    static var recommendedInputSize: Int { ZSTD_DStreamInSize() }

    /// Decompresses all of `input`, handing each filled stretch of `output` to `body`.
    func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard input.count > 0 else { return }
        sawInput = true
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outputFull = false
        repeat {
            var target = ZSTD_outBuffer(dst: UnsafeMutableRawPointer(output.baseAddress), size: output.count, pos: 0)
            let r = ZSTD_decompressStream(stream, &target, &source)
            if ZSTD_isError(r) != 0 { throw ZstdError(message: String(cString: ZSTD_getErrorName(r))) }
            lastHint = r
            if target.pos > 0 { try body(UnsafeBufferPointer(rebasing: output[0..<target.pos])) }
            // A full output buffer may leave decoded data inside the stream: call again to drain it.
            outputFull = target.pos == target.size
        } while source.pos < source.size || outputFull
    }

    /// True when the input so far ends exactly after a complete frame.
    var isAtFrameEnd: Bool { sawInput && lastHint == 0 }
}
