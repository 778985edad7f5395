/// The top-level requested keys of up to 16 bytes, in a small open-addressing table probed
/// with the key's bytes as two words: the fast path identifies a key with a hash and one or
/// two compares, without a pass over its bytes.
final class JSONFlatKeys {
    struct Key {
        /// The key's bytes 0..<8 and 8..<16, little-endian, zero-padded.
        var head: UInt64
        var head2: UInt64
        /// Key length in bytes; -1 marks an empty slot.
        var count: Int
        /// The field the key completes, or `JSONFlatKeys.general` if the key has requested
        /// keys nested under it (the fast path leaves such lines to the general scanner).
        var field: Int
    }

    /// `find`'s answer for a key with nested requested keys.
    static let general = -2

    /// Power-of-two sized, at most half full, so probing always reaches an empty slot.
    private let slots: UnsafeMutableBufferPointer<Key>
    private let mask: Int
    /// A key remembered by `find(_:_:_:member:)`, with masks for comparing it to raw bytes.
    struct RecentKey {
        var key: Key
        /// Which bytes of the two words loaded at a key's start are the key's.
        var mask: UInt64
        var mask2: UInt64
    }

    /// The key met at each of the first members of the last line, with its answer: lines
    /// mostly repeat their keys in the same order, so the scanner first matches the raw bytes
    /// at a key's position against the key there last time (no scanning, hashing or probing).
    private let recentRaw: UnsafeMutableBufferPointer<RecentKey>

    init(tree: JSONPathTree) {
        let top = tree.nodes[0]
        var size = 4
        while size < 2 * top.count { size <<= 1 }
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Key(head: 0, head2: 0, count: -1, field: -1))
        recentRaw = .allocate(capacity: Self.recentCount)
        recentRaw.initialize(repeating: RecentKey(key: Key(head: 0, head2: 0, count: -1, field: -1), mask: 0, mask2: 0))
        for e in top where tree.entries[e].keyCount <= 16 {
            let entry = tree.entries[e]
            var k = JSONPathTree.hash(entry.head, entry.head2, entry.keyCount) & mask
            while slots[k].count >= 0 { k = (k + 1) & mask }
            slots[k] = Key(head: entry.head, head2: entry.head2, count: entry.keyCount, field: entry.child >= 0 ? Self.general : entry.field)
        }
    }

    deinit {
        slots.deallocate()
        recentRaw.deallocate()
    }

    /// How many leading members of a line `find(_:_:_:member:)` remembers.
    static let recentCount = 32


    /// `find(head, head2, count)` for the key of the `member`-th member of a line (from 0), a
    /// key read by the short-key path (so `count < 16`), remembered for `recentKey`. Called
    /// only when the raw bytes did not match that member's remembered key.
    @inline(__always)
    func find(_ head: UInt64, _ head2: UInt64, _ count: Int, member: Int) -> Int {
        let field = find(head, head2, count)
        guard member < Self.recentCount else { return field }
        precondition(count < 16, "short keys have at most 15 bytes")  // so `recentKey` users may read the byte after one
        let key = Key(head: head, head2: head2, count: count, field: field)
        recentRaw[member] = RecentKey(
            key: key, mask: count >= 8 ? ~0 : (1 << UInt64(8 * count)) &- 1,
            mask2: count <= 8 ? 0 : (1 << UInt64(8 * (count - 8))) &- 1)
        return field
    }

    /// The key last met at member `member` of a line (count -1 if none, or past `recentCount`).
    /// It was read by the short-key path, so it has at most 15 bytes, none of them a quote,
    /// backslash, control or non-ASCII byte: equal raw bytes followed by a quote are that key,
    /// unescaped.
    @inline(__always)
    func recentKey(_ member: Int) -> RecentKey {
        member < Self.recentCount ? recentRaw[member] : RecentKey(key: Key(head: 0, head2: 0, count: -1, field: -1), mask: 0, mask2: 0)
    }

    /// The field of the top-level key of `count <= 16` bytes held in `head` and `head2`; -1 if
    /// it is not requested; `general` if it has nested requested keys.
    @inline(__always)
    func find(_ head: UInt64, _ head2: UInt64, _ count: Int) -> Int {
        var k = JSONPathTree.hash(head, head2, count) & mask
        while true {
            let key = slots[k]
            if key.head == head, key.head2 == head2, key.count == count { return key.field }
            if key.count < 0 { return -1 }
            k = (k + 1) & mask
        }
    }
}

/// Finds the bytes of a JSON string that need a look (quote, backslash, control characters,
/// non-ASCII) sixteen at a time, with SIMD compares (SSE2 on x86-64, NEON on arm64).
///
/// The constants are stored properties of a value made once per call of the scanning
/// function: written inline in the loop, the compiler has been seen to scalarise the compares.
struct JSONSpecialBytes16 {
    private let quote = SIMD16<UInt8>(repeating: JSONTokens.quote)
    private let backslash = SIMD16<UInt8>(repeating: JSONTokens.backslash)
    /// Signed, below 0x20 are the control characters and (negative) the bytes from 0x80 up.
    private let space = SIMD16<Int8>(repeating: 0x20)

    /// For the 16 bytes at `raw + offset`, 0xFF in each special byte and 0 elsewhere, as two
    /// words (byte k of the 16 is bits 8k..<8k+8 of word k / 8, little-endian order).
    @inline(__always)
    func flags(_ raw: UnsafeRawPointer, _ offset: Int) -> SIMD2<UInt64> {
        let v = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
        let m = (v .== quote) .| (v .== backslash) .| (SIMD16<Int8>(truncatingIfNeeded: v) .< space)
        let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
        return SIMD2(w[0].littleEndian, w[1].littleEndian)
    }

    /// The index of the first special byte at or after `from` in the bytes of `raw` below `n`
    /// that 16-byte loads reach, with `found`; else (`found` false) where the loads stopped:
    /// fewer than 16 bytes before `n`. Runs of 32 bytes take one test.
    @inline(__always)
    func first(_ raw: UnsafeRawPointer, from: Int, _ n: Int) -> (index: Int, found: Bool) {
        var j = from
        let limit32 = n &- 32, limit16 = n &- 16
        while j <= limit32 {
            let a = flags(raw, j), b = flags(raw, j &+ 16)
            let any = a | b
            if any[0] | any[1] != 0 {
                if a[0] != 0 { return (j &+ a[0].trailingZeroBitCount >> 3, true) }
                if a[1] != 0 { return (j &+ 8 &+ a[1].trailingZeroBitCount >> 3, true) }
                if b[0] != 0 { return (j &+ 16 &+ b[0].trailingZeroBitCount >> 3, true) }
                return (j &+ 24 &+ b[1].trailingZeroBitCount >> 3, true)
            }
            j &+= 32
        }
        if j <= limit16 {
            let a = flags(raw, j)
            if a[0] != 0 { return (j &+ a[0].trailingZeroBitCount >> 3, true) }
            if a[1] != 0 { return (j &+ 8 &+ a[1].trailingZeroBitCount >> 3, true) }
            j &+= 16
        }
        return (j, false)
    }
}

extension JSONLineScanner {
    /// Scans the common line, one flat object (whitespace allowed) whose values are strings,
    /// numbers, true, false or null, and whose keys need no unescaping; returns false for any
    /// other line, including every malformed one, which must then go to `scanGeneral`: it
    /// gives the exact result or error (the slots recorded here are dropped with their
    /// generation).
    ///
    /// It is `scanGeneral` specialised to depth one, with every token check inlined; what it
    /// accepts it validates with the same token rules, so it records exactly what that would.
    mutating func scanFlat(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let end = flatObject(s)
        return end >= 0 && Self.skipBlanks(s, end) == s.count
    }

    /// `scanFlat` for a line at the start of `region`, whose end is not known yet: the line is
    /// accepted if its object is directly followed by a newline, whose index is returned (so
    /// the line is `region[..<index]`); nil otherwise. The object cannot reach past the line's
    /// newline: it is not whitespace to `flatObject`, and no other token can hold one.
    mutating func scanFlatLine(_ region: UnsafeBufferPointer<UInt8>) -> Int? {
        let end = flatObject(region)
        guard end >= 0, end < region.count, region[end] == 0x0A else { return nil }
        return end
    }

    /// Skips spaces, tabs and carriage returns: the whitespace of a line, which (split at its
    /// newline) holds no newline of its own.
    @inline(__always)
    static func skipBlanks(_ s: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int {
        var i = from
        while i < s.count, s[i] == 0x20 || s[i] == 0x09 || s[i] == 0x0D { i += 1 }
        return i
    }

    /// The flat object at the start of `s`: the index just past its closing brace, or -1 if
    /// it is not one `scanFlat` accepts (or a newline comes first). Records the fields in a
    /// new generation either way.
    @inline(__always)
    private mutating func flatObject(_ s: UnsafeBufferPointer<UInt8>) -> Int {
        generation &+= 1
        if generation == 0 { resetGenerations() }
        let n = s.count
        guard n >= 2, let base = s.baseAddress, base[0] == UInt8(ascii: "{") else { return -1 }
        let raw = UnsafeRawPointer(base)
        let quote = JSONTokens.quote
        let slots = state.slots
        let generation = self.generation
        let special = JSONSpecialBytes16()
        var i = 1
        @inline(__always) func word(_ at: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }
        @inline(__always) func skip(_ at: Int) -> Int { Self.skipBlanks(s, at) }

        // Two bytes as a little-endian number, for the usual `":"` and `,"` between tokens.
        @inline(__always) func pair(_ at: Int) -> UInt16 { raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian }
        let colonQuote = UInt16(0x223A), commaQuote = UInt16(0x222C)

        i = skip(i)
        if i < n, base[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            guard i < n, base[i] == quote else { return -1 }
            var member = 0
            while true {
                // The key, whose opening quote is at `i`. Loads stay inside `s` by `p + 16 <= n`.
                let p = i &+ 1
                var field = -1
                var keyEnd = -1
                let predicted = flatKeys.recentKey(member)
                if predicted.key.count >= 0, p &+ 16 <= n, base[p &+ predicted.key.count] == quote,
                    word(p) & predicted.mask == predicted.key.head, word(p &+ 8) & predicted.mask2 == predicted.key.head2
                {
                    // The key at this position in the last line, again (see `recentKey`).
                    keyEnd = p &+ predicted.key.count
                    field = predicted.key.field
                } else if p &+ 16 <= n {
                    let m = special.flags(raw, p)
                    let m0 = m[0], m1 = m[1]
                    if m0 != 0 {
                        let count = m0.trailingZeroBitCount >> 3
                        if base[p &+ count] == quote {
                            keyEnd = p &+ count
                            field = flatKeys.find(word(p) & ((1 << UInt64(8 * count)) &- 1), 0, count, member: member)
                        }
                    } else if m1 != 0 {
                        let count = m1.trailingZeroBitCount >> 3
                        if base[p &+ 8 &+ count] == quote {
                            keyEnd = p &+ 8 &+ count
                            field = flatKeys.find(word(p), word(p &+ 8) & ((1 << UInt64(8 * count)) &- 1), 8 &+ count, member: member)
                        }
                    }
                }
                if keyEnd < 0 {
                    // A long key, one near the end of the line, or one with escapes or non-ASCII bytes.
                    var escaped = false
                    guard let end = try? JSONTokens.string(s, i, escaped: &escaped), !escaped else { return -1 }
                    keyEnd = end
                    let entry = tree.find(0, UnsafeBufferPointer(rebasing: s[p..<end]), limit: base + n)
                    if entry >= 0 { field = tree.entries[entry].child >= 0 ? JSONFlatKeys.general : tree.entries[entry].field }
                }
                if field == JSONFlatKeys.general { return -1 }
                member &+= 1

                // The colon; `v` is where the value starts.
                var v = keyEnd &+ 1
                if v &+ 1 < n, pair(v) == colonQuote {
                    v &+= 1
                } else {
                    v = skip(v)
                    guard v < n, base[v] == UInt8(ascii: ":") else { return -1 }
                    v = skip(v + 1)
                    guard v < n else { return -1 }
                }

                // The value; `i` goes past it.
                let c = base[v]
                if c == quote {
                    let (stop, found) = special.first(raw, from: v &+ 1, n)
                    var j = stop
                    var plainToQuote = found && base[j] == quote
                    if !found {
                        // Near the end of the line: eight bytes at a time, then the rest.
                        var stopped = false
                        while j &+ 8 <= n {
                            let m = JSONTokens.specialBytes(word(j))
                            if m != 0 {
                                j &+= m.trailingZeroBitCount >> 3
                                plainToQuote = base[j] == quote
                                stopped = true
                                break
                            }
                            j &+= 8
                        }
                        if !stopped, j < n, n >= 8 {
                            // Fewer than eight bytes left (`n - 8 < j < n`): the last eight bytes,
                            // shifted so byte `j` is the lowest. The zeros shifted in count as
                            // special, so only a flag below `n - j` is a byte of the string.
                            let m = JSONTokens.specialBytes(word(n &- 8) >> UInt64(8 * (j &- (n &- 8))))
                            let k = m.trailingZeroBitCount >> 3
                            if k < n &- j {
                                j &+= k
                                plainToQuote = base[j] == quote
                            }
                        }
                    }
                    var escaped = false
                    if !plainToQuote {
                        // Escapes, non-ASCII text, the line's last bytes, or an error: the general
                        // string scan, from the first byte that needs a look.
                        guard let close = try? JSONTokens.string(s, v, from: j, escaped: &escaped) else { return -1 }
                        j = close
                    }
                    if field >= 0 { slots[field] = JSONSlot(generation: generation, kind: .string, escaped: escaped, start: v &+ 1, end: j) }
                    i = j &+ 1
                } else {
                    let kind: JSONKind
                    let end: Int
                    switch c {
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        var integral = true
                        guard let e = try? JSONTokens.number(s, v, integral: &integral) else { return -1 }
                        kind = integral ? .integer : .number
                        end = e
                    case UInt8(ascii: "t"):
                        guard let e = try? JSONTokens.literal(s, v, "true") else { return -1 }
                        kind = .trueValue
                        end = e
                    case UInt8(ascii: "f"):
                        guard let e = try? JSONTokens.literal(s, v, "false") else { return -1 }
                        kind = .falseValue
                        end = e
                    case UInt8(ascii: "n"):
                        guard let e = try? JSONTokens.literal(s, v, "null") else { return -1 }
                        kind = .null
                        end = e
                    default:
                        return -1  // nested objects and arrays, and errors
                    }
                    if field >= 0 { slots[field] = JSONSlot(generation: generation, kind: kind, escaped: false, start: v, end: end) }
                    i = end
                }

                // A comma and the next key's quote, or the closing brace.
                if i &+ 1 < n, pair(i) == commaQuote {
                    i &+= 1
                    continue
                }
                i = skip(i)
                guard i < n else { return -1 }
                if base[i] == UInt8(ascii: ",") {
                    i = skip(i + 1)
                    guard i < n, base[i] == quote else { return -1 }
                } else if base[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                } else {
                    return -1
                }
            }
        }
        return i
    }
}
