import Columnar

/// Decoders for the DELTA_* encodings (Encodings.md), which parquet-java v2 writers and
/// newer arrow configurations use for integers and byte arrays.
enum DeltaDecoder {
    /// Values of a DELTA_BINARY_PACKED stream (wrapping 64-bit arithmetic, which also yields
    /// the right INT32 values after truncation). Reads the whole stream, so the cursor ends
    /// right after it.
    /// `count` is the number of values the page holds; the stream must declare exactly that
    /// many, which also bounds the memory a corrupt header can claim.
    static func binaryPacked(_ c: inout ByteCursor, count wanted: Int) throws -> [Int64] {
        let blockSize = try c.readVarUInt()
        let miniblocks = try c.readVarUInt()
        let total = try c.readVarUInt()
        var value = try c.readZigZag()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0 else {
            throw ParquetError.corrupt("invalid DELTA_BINARY_PACKED header (block \(blockSize), miniblocks \(miniblocks))")
        }
        let perMiniblock = Int(blockSize / miniblocks)
        guard perMiniblock % 8 == 0 else { throw ParquetError.corrupt("DELTA_BINARY_PACKED miniblock of \(perMiniblock) values") }
        guard total == UInt64(wanted) else {
            throw ParquetError.corrupt("DELTA_BINARY_PACKED holds \(total) values, the page needs \(wanted)")
        }
        let count = wanted
        var out = [Int64]()
        out.reserveCapacity(min(count, 1 << 16))
        if count == 0 { return out }
        out.append(value)
        var widths = [Int](repeating: 0, count: Int(miniblocks))
        var deltas = [UInt64]()
        while out.count < count {
            let minDelta = try c.readZigZag()
            for m in 0..<widths.count {
                widths[m] = Int(try c.readByte())
                guard widths[m] <= 64 else { throw ParquetError.corrupt("DELTA_BINARY_PACKED bit width \(widths[m])") }
            }
            for m in 0..<widths.count where out.count < count {
                let w = widths[m]
                let packed = try c.read(count: perMiniblock * w / 8)
                deltas.removeAll(keepingCapacity: true)
                unpackWide(packed, bitWidth: w, count: perMiniblock, into: &deltas)
                for d in deltas where out.count < count {
                    value = value &+ minDelta &+ Int64(bitPattern: d)
                    out.append(value)
                }
            }
        }
        return out
    }

    /// DELTA_LENGTH_BYTE_ARRAY: all lengths (delta-packed), then all bytes.
    static func lengthByteArray(_ c: inout ByteCursor, count: Int) throws -> StringArray {
        let lengths = try binaryPacked(&c, count: count)
        var out = StringArray()
        var total = 0
        for l in lengths.prefix(count) {
            guard l >= 0, l <= Int64(c.remaining) else { throw ParquetError.corrupt("DELTA_LENGTH_BYTE_ARRAY length \(l) out of range") }
            total += Int(l)
        }
        guard total <= c.remaining else { throw ParquetError.corrupt("DELTA_LENGTH_BYTE_ARRAY needs \(total) bytes, \(c.remaining) left") }
        out.reserve(count: count, bytes: total)
        for l in lengths.prefix(count) {
            out.append(bytes: try c.read(count: Int(l)).assumingMemoryBound(to: UInt8.self))
        }
        return out
    }

    /// Output bytes a DELTA_BYTE_ARRAY page may expand to; prefixes can repeat a long value
    /// many times, so a corrupt page could otherwise demand unbounded memory.
    static let maxExpandedBytes = 1 << 31

    /// DELTA_BYTE_ARRAY: prefix lengths, then suffixes as DELTA_LENGTH_BYTE_ARRAY; each value
    /// is a prefix of the previous value followed by its suffix.
    static func byteArray(_ c: inout ByteCursor, count: Int) throws -> StringArray {
        let prefixes = try binaryPacked(&c, count: count)
        let suffixes = try lengthByteArray(&c, count: count)
        var out = StringArray()
        var previous: [UInt8] = []
        var total = 0
        for i in 0..<count {
            let p = prefixes[i]
            guard p >= 0, p <= Int64(previous.count) else {
                throw ParquetError.corrupt("DELTA_BYTE_ARRAY prefix \(p) longer than the previous value")
            }
            var value = Array(previous.prefix(Int(p)))
            suffixes.withBytes(i) { value.append(contentsOf: $0) }
            total += value.count
            guard total <= maxExpandedBytes else { throw ParquetError.unsupported("DELTA_BYTE_ARRAY page expands beyond 2 GiB") }
            out.append(contentsOf: value)
            previous = value
        }
        return out
    }

    /// Unpacks values of up to 64 bits, LSB first.
    static func unpackWide(_ packed: UnsafeRawBufferPointer, bitWidth w: Int, count: Int, into out: inout [UInt64]) {
        if w == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        var bit = 0
        for _ in 0..<count {
            var v: UInt64 = 0
            var got = 0
            while got < w {
                let byte = UInt64(packed[bit >> 3])
                let offset = bit & 7
                let take = min(8 - offset, w - got)
                v |= ((byte >> UInt64(offset)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
                got += take
                bit += take
            }
            out.append(v)
        }
    }
}
