/// A packed bit set, least significant bit first, used for validity (1 = value present).
public struct Bitmap: Sendable, Hashable {
    public private(set) var words: [UInt64]
    public private(set) var count: Int

    /// A bitmap of `count` bits, all set to `value`.
    public init(count: Int, value: Bool) {
        self.count = count
        let n = (count + 63) >> 6
        words = [UInt64](repeating: value ? ~0 : 0, count: n)
        if value { clearTail() }
    }

    public init(_ bits: [Bool]) {
        self.init(count: bits.count, value: false)
        for (i, b) in bits.enumerated() where b { words[i >> 6] |= 1 << UInt64(i & 63) }
    }

    @inline(__always)
    public subscript(i: Int) -> Bool {
        get { (words[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
        set {
            if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    /// Adds one bit at the end.
    @inline(__always)
    public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    /// Number of set bits.
    public var popCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Bitwise AND of two bitmaps of equal length.
    public static func & (a: Bitmap, b: Bitmap) -> Bitmap {
        precondition(a.count == b.count, "bitmap lengths differ")
        var r = a
        for i in r.words.indices { r.words[i] &= b.words[i] }
        return r
    }

    private mutating func clearTail() {
        let rem = count & 63
        if rem != 0 { words[words.count - 1] &= (1 << UInt64(rem)) - 1 }
    }
}

extension Optional where Wrapped == Bitmap {
    /// Intersection of two optional validity maps, nil meaning "all valid".
    public static func & (a: Bitmap?, b: Bitmap?) -> Bitmap? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let x?, nil): return x
        case (nil, let y?): return y
        case (let x?, let y?): return x & y
        }
    }
}
