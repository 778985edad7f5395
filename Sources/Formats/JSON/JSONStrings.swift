/// Conversion between JSON string contents and UTF-8 text.
enum JSONStrings {
    /// Appends the text of JSON string content `s` (validated by `JSONTokens.string`) to `out`,
    /// resolving escapes; `\u` surrogate pairs become one four-byte scalar.
    static func unescape(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = s.count
        var i = 0
        var runStart = 0
        while i < n {
            guard s[i] == JSONTokens.backslash else { i += 1; continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<i]))
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = JSONTokens.hex4(s, i) ?? 0xFFFD
                i += 4
                if scalar & 0xFC00 == 0xD800, let low = JSONTokens.hex4(s, i + 2) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar, to: &out)
            default: out.append(e)  // \" \\ \/
            }
            runStart = i
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<n]))
    }

    private static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18))
            out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// Appends `text` as a quoted JSON string, escaping quotes, backslashes and control characters.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(JSONTokens.quote)
        for b in text.utf8 {
            switch b {
            case JSONTokens.quote: out.append(contentsOf: [JSONTokens.backslash, JSONTokens.quote])
            case JSONTokens.backslash: out.append(contentsOf: [JSONTokens.backslash, JSONTokens.backslash])
            case 0x0A: out.append(contentsOf: [JSONTokens.backslash, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [JSONTokens.backslash, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [JSONTokens.backslash, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(JSONTokens.quote)
    }
}
