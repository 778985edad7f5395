/// Well-formedness checks for UTF-8 (RFC 3629: no overlong forms, surrogates or values past U+10FFFF).
enum UTF8Validation {
    /// Length of the well-formed scalar starting at `i`, or 0 if the bytes there are not one.
    @inline(__always)
    static func scalarLength(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b0 = s[i]
        if b0 < 0x80 { return 1 }
        let n = s.count
        @inline(__always) func cont(_ k: Int) -> Bool { s[k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return i + 1 < n && cont(i + 1) ? 2 : 0
        case 0xE0...0xEF:
            guard i + 2 < n else { return 0 }
            let b1 = s[i + 1]
            let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80, hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            return b1 >= lo && b1 <= hi && cont(i + 2) ? 3 : 0
        case 0xF0...0xF4:
            guard i + 3 < n else { return 0 }
            let b1 = s[i + 1]
            let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80, hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            return b1 >= lo && b1 <= hi && cont(i + 2) && cont(i + 3) ? 4 : 0
        default:
            return 0
        }
    }

    /// True if all of `s` is well-formed UTF-8; ASCII runs are checked eight bytes at a time.
    static func isValid(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = s.baseAddress else { return true }
        let n = s.count
        var i = 0
        while i < n {
            while i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let len = scalarLength(s, i)
            if len == 0 { return false }
            i += len
        }
        return true
    }

    /// The longest prefix of `s` of at most `limit` bytes that does not cut a scalar in two.
    static func prefix(_ s: UnsafeBufferPointer<UInt8>, limit: Int) -> UnsafeBufferPointer<UInt8> {
        guard s.count > limit else { return s }
        var end = limit
        // Back off over continuation bytes (at most three) to the start of the cut scalar.
        var k = 0
        while end > 0, k < 3, s[end] & 0xC0 == 0x80 { end -= 1; k += 1 }
        return UnsafeBufferPointer(rebasing: s[0..<end])
    }
}
