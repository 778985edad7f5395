/// `substring` over UTF-8 string columns, counting characters as Unicode code points (as
/// Spark's `UTF8String` does).
enum StringFunctions {
    /// Spark's `substring(str, pos, len)`: `pos` is 1-based; 0 means the first character; a
    /// negative `pos` counts from the end; `len` < 1 gives the empty string.
    static func substring(_ c: Column, _ pos: Datum, _ len: Datum) -> Column {
        let n = c.count
        let s = c.stringValues
        let positions = ints(pos, n), lengths = ints(len, n)
        var out = StringArray()
        out.reserve(count: n, bytes: s.bytes.count)
        var valid = c.validity ?? Bitmap(count: n, value: true)
        for i in 0..<n {
            guard valid[i], let p = positions[i], let l = lengths[i] else {
                valid[i] = false
                out.appendEmpty()
                continue
            }
            s.withBytes(i) { bytes in
                let range = characterRange(bytes, pos: p, len: l)
                out.append(bytes: UnsafeBufferPointer(rebasing: bytes[range]))
            }
        }
        return .strings(out, validity: valid.popCount == n ? nil : valid)
    }

    /// The byte range of Spark's `substringSQL(pos, len)` within `bytes`.
    static func characterRange(_ bytes: UnsafeBufferPointer<UInt8>, pos: Int64, len: Int64) -> Range<Int> {
        let ascii = !bytes.contains { $0 >= 0x80 }
        let chars = ascii ? bytes.count : bytes.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
        var start: Int64 = pos > 0 ? pos - 1 : (pos < 0 ? Int64(chars) + pos : 0)
        let (sum, overflow) = start.addingReportingOverflow(len)
        let end = overflow ? (len > 0 ? Int64.max : Int64.min) : sum
        start = max(start, 0)
        if start >= end || start >= Int64(chars) { return 0..<0 }
        let last = min(end, Int64(chars))
        if ascii { return Int(start)..<Int(last) }
        return byteOffset(bytes, char: Int(start))..<byteOffset(bytes, char: Int(last))
    }

    /// Byte offset of code point `char` (the end for `char == count`).
    private static func byteOffset(_ bytes: UnsafeBufferPointer<UInt8>, char: Int) -> Int {
        var seen = -1
        for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
            seen += 1
            if seen == char { return i }
        }
        return bytes.count
    }

    private static func ints(_ d: Datum, _ n: Int) -> [Int64?] {
        switch d {
        case .scalar(.int64(let v), _): return [Int64?](repeating: v, count: n)
        case .scalar: return [Int64?](repeating: nil, count: n)
        case .column(let c):
            let v = c.int64Values
            return (0..<n).map { c.isValid($0) ? v[$0] : nil }
        }
    }
}
