/// Byte-level scanning of JSON tokens. Each function validates its token and returns the index
/// just past it (strings: the index of the closing quote).
enum JSONTokens {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    @inline(__always)
    static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    @inline(__always)
    static func skipWhitespace(_ s: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int {
        var i = from
        while i < s.count, isWhitespace(s[i]) { i += 1 }
        return i
    }

    /// High bit set in each byte of `w` that is a quote, a backslash, a control character or
    /// non-ASCII, and possibly in bytes above the first such byte: only the lowest set bit is
    /// exact. Per byte, `x - 1` sets the high bit when `x` is 0 (the byte equals the quote or
    /// backslash) and `x - 0x20` when `x < 0x20`; either also sets it for bytes of 0x80 and up,
    /// which are flagged anyway. Borrows only start at a flagged byte and only run upwards, so
    /// below the first flagged byte nothing is flagged spuriously.
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = (w ^ (ones &* 0x22)) &- ones
        let backslashes = (w ^ (ones &* 0x5C)) &- ones
        let controls = w &- ones &* 0x20
        return (quotes | backslashes | controls | w) & 0x8080_8080_8080_8080
    }

    /// Scans the string whose opening quote is at `start`; returns the index of the closing quote.
    /// Sets `escaped` if the string contains escape sequences.
    @inline(__always)
    static func string(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, escaped: inout Bool) throws(JSONSyntaxError) -> Int {
        try string(s, start, from: start + 1, escaped: &escaped)
    }

    /// Scans the rest of the string whose opening quote is at `start`, from `from` on (the
    /// bytes before `from` must be plain: no quote, backslash, control or non-ASCII byte).
    ///
    /// Plain ASCII runs are skipped eight bytes at a time (loads stay inside `s`: `i + 8 <= n`),
    /// jumping straight to the first byte that needs a look.
    static func string(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, from: Int, escaped: inout Bool) throws(JSONSyntaxError) -> Int {
        let n = s.count
        let base = UnsafeRawPointer(s.baseAddress!)
        var i = from
        while true {
            while i + 8 <= n {
                let m = specialBytes(base.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
                if m != 0 {
                    i += m.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            guard i < n else { throw JSONSyntaxError(.unterminatedString, at: start) }
            let c = s[i]
            if c == quote { return i }
            if c == backslash {
                escaped = true
                i = try escape(s, i)
            } else if c < 0x20 {
                throw JSONSyntaxError(.controlCharacter, at: i)
            } else if c >= 0x80 {
                let len = UTF8Validation.scalarLength(s, i)
                guard len > 0 else { throw JSONSyntaxError(.invalidUTF8, at: i) }
                i += len
            } else {
                i += 1
            }
        }
    }

    /// Validates the escape sequence at `i` (a backslash); returns the index after it. A `\u`
    /// high surrogate must be followed by a `\u` low surrogate.
    static func escape(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) throws(JSONSyntaxError) -> Int {
        guard i + 1 < s.count else { throw JSONSyntaxError(.unterminatedString, at: i) }
        switch s[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i + 2
        case UInt8(ascii: "u"):
            guard let unit = hex4(s, i + 2) else { throw JSONSyntaxError(.invalidEscape, at: i) }
            if unit & 0xFC00 == 0xD800 {
                guard i + 7 < s.count, s[i + 6] == backslash, s[i + 7] == UInt8(ascii: "u"),
                    let low = hex4(s, i + 8), low & 0xFC00 == 0xDC00
                else { throw JSONSyntaxError(.invalidEscape, at: i) }
                return i + 12
            }
            guard unit & 0xFC00 != 0xDC00 else { throw JSONSyntaxError(.invalidEscape, at: i) }
            return i + 6
        default:
            throw JSONSyntaxError(.invalidEscape, at: i)
        }
    }

    /// The value of four hex digits at `i`, or nil.
    @inline(__always)
    static func hex4(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32? {
        guard i + 4 <= s.count else { return nil }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            let c = s[k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// Scans a number starting at `start` (RFC 8259 grammar); `integral` is false if it has a
    /// fraction or an exponent.
    @inline(__always)
    static func number(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, integral: inout Bool) throws(JSONSyntaxError) -> Int {
        let n = s.count
        var i = start
        @inline(__always) func isDigit(_ k: Int) -> Bool { k < n && s[k] &- 48 < 10 }
        if s[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { throw JSONSyntaxError(.invalidNumber, at: start) }
        if s[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            guard isDigit(i) else { throw JSONSyntaxError(.invalidNumber, at: start) }
            while isDigit(i) { i += 1 }
        }
        integral = true
        if i < n, s[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { throw JSONSyntaxError(.invalidNumber, at: start) }
            while isDigit(i) { i += 1 }
            integral = false
        }
        if i < n, s[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw JSONSyntaxError(.invalidNumber, at: start) }
            while isDigit(i) { i += 1 }
            integral = false
        }
        return i
    }

    /// Matches the literal `word` (true, false, null) at `start`.
    @inline(__always)
    static func literal(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ word: StaticString) throws(JSONSyntaxError) -> Int {
        let len = word.utf8CodeUnitCount
        guard start + len <= s.count else { throw JSONSyntaxError(.invalidLiteral, at: start) }
        let w = word.utf8Start
        for k in 0..<len where s[start + k] != w[k] { throw JSONSyntaxError(.invalidLiteral, at: start) }
        return start + len
    }
}
