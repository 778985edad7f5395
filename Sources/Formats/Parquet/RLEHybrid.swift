/// The RLE / bit-packed hybrid encoding (Encodings.md) used for definition and repetition
/// levels, dictionary indices and RLE booleans. The bit width is known from context and
/// never stored here.
enum RLEHybrid {
    /// Literal runs are capped at 63 groups so a run header always fits one byte, as
    /// parquet-java does; it costs one byte per 504 values.
    static let maxLiteralGroups = 63

    /// Appends `values` (each < 2^bitWidth) to `out`. Runs of 8 or more equal values become
    /// RLE runs; everything else is bit-packed in groups of 8, the last group zero-padded.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        let n = values.count
        var i = 0
        var literalStart = 0
        var literalCount = 0

        func flushLiterals(_ out: inout [UInt8]) {
            guard literalCount > 0 else { return }
            let groups = (literalCount + 7) / 8
            out.appendVarUInt(UInt64(groups << 1 | 1))
            var acc: UInt64 = 0
            var bits = 0
            for k in 0..<(groups * 8) {
                let v: UInt64 = k < literalCount ? UInt64(values[literalStart + k]) : 0
                acc |= v << UInt64(bits)
                bits += bitWidth
                while bits >= 8 {
                    out.append(UInt8(truncatingIfNeeded: acc))
                    acc >>= 8
                    bits -= 8
                }
            }
            literalCount = 0
        }

        let valueBytes = (bitWidth + 7) / 8
        while i < n {
            let v = values[i]
            var j = i + 1
            while j < n && values[j] == v { j += 1 }
            if j - i >= 8 {
                flushLiterals(&out)
                out.appendVarUInt(UInt64(j - i) << 1)
                var x = UInt64(v)
                for _ in 0..<valueBytes {
                    out.append(UInt8(truncatingIfNeeded: x))
                    x >>= 8
                }
                i = j
            } else {
                if literalCount == 0 { literalStart = i }
                let take = min(8, n - i)
                literalCount += take
                i += take
                if literalCount >= maxLiteralGroups * 8 { flushLiterals(&out) }
            }
        }
        flushLiterals(&out)
    }

    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ values: [T], bitWidth: Int, into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: &out) }
    }

    /// Decodes exactly `count` values from `cursor`, appending them to `out`. Values wider than
    /// `T` or data ending early throw. A final bit-packed run cut short by the end of the data
    /// is accepted as long as it holds the values still needed.
    static func decode<T: FixedWidthInteger & UnsignedInteger>(
        _ cursor: inout ByteCursor, bitWidth: Int, count: Int, into out: inout [T]
    ) throws {
        guard bitWidth >= 0, bitWidth <= 32, bitWidth <= T.bitWidth else {
            throw ParquetError.corrupt("invalid RLE bit width \(bitWidth)")
        }
        guard count > 0 else { return }
        // Reserve only what the bytes could plausibly hold; RLE runs grow the array as needed.
        out.reserveCapacity(out.count + min(count, cursor.remaining * 8 + 1024))
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        let valueBytes = (bitWidth + 7) / 8
        var produced = 0
        while produced < count {
            if cursor.isAtEnd {
                throw ParquetError.corrupt("RLE/bit-packed data ends after \(produced) of \(count) values")
            }
            let header = try cursor.readVarUInt()
            let need = count - produced
            if header & 1 == 0 {
                let run = header >> 1
                var v: UInt64 = 0
                let raw = try cursor.read(count: valueBytes)
                for k in 0..<valueBytes { v |= UInt64(raw[k]) << UInt64(8 * k) }
                guard v <= mask else { throw ParquetError.corrupt("RLE value \(v) wider than \(bitWidth) bits") }
                let take = run >= UInt64(need) ? need : Int(run)
                out.append(contentsOf: repeatElement(T(truncatingIfNeeded: v), count: take))
                produced += take
            } else {
                // Clamped so the products below cannot overflow; real runs are far shorter.
                let groups = Int(min(header >> 1, 1 << 32))
                let declaredBytes = groups * bitWidth
                let bytesPresent = min(declaredBytes, cursor.remaining)
                let valuesPresent = bitWidth == 0 ? groups * 8 : min(groups * 8, bytesPresent * 8 / bitWidth)
                let take = min(need, valuesPresent)
                if take == 0 && groups > 0 {
                    throw ParquetError.corrupt("RLE/bit-packed data ends after \(produced) of \(count) values")
                }
                let used = (take * bitWidth + 7) / 8
                unpack(try cursor.read(count: used), bitWidth: bitWidth, count: take, into: &out)
                produced += take
                // Padding values of the last group (or a run cut short by the end of the data).
                try cursor.skip(bytesPresent - used)
            }
        }
    }

    /// Unpacks `count` values of `bitWidth` bits, LSB first; `packed` holds at least
    /// `count * bitWidth` bits.
    @inline(__always)
    static func unpack<T: FixedWidthInteger>(_ packed: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: inout [T]) {
        if bitWidth == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
        var acc: UInt64 = 0
        var bits = 0
        var idx = 0
        for _ in 0..<count {
            while bits < bitWidth {
                acc |= UInt64(packed[idx]) << UInt64(bits)
                idx += 1
                bits += 8
            }
            out.append(T(truncatingIfNeeded: acc & mask))
            acc >>= UInt64(bitWidth)
            bits -= bitWidth
        }
    }
}
