/// The requested field paths as a tree of object keys: `a.b` and `a.c` share the node for `a`.
/// Node 0 is the top-level object.
struct JSONPathTree: Sendable {
    struct Entry: Sendable {
        /// The key's bytes in `keyBytes`.
        var keyStart: Int
        var keyCount: Int
        /// The key's first (up to) eight bytes, little-endian, zero-padded: most keys compare in one step.
        var head: UInt64
        /// Bytes 8..<16 of the key, zero-padded (0 for short keys): keys of up to 16 bytes are
        /// wholly in `head` and `head2`.
        var head2: UInt64
        /// Index of the field this key completes, or -1.
        var field: Int
        /// Node of the keys nested under this one, or -1.
        var child: Int
    }

    private(set) var entries: [Entry] = []
    /// Each node's entries, a contiguous range of `entries`.
    private(set) var nodes: [Range<Int>] = []
    private(set) var keyBytes: [UInt8] = []
    /// The fields below each node, to forget when a duplicate key replaces an object.
    private(set) var fieldsBelow: [[Int]] = []
    /// Open-addressing hash tables of entry indices (-1: empty), one per node, concatenated:
    /// node `k`'s table is `table[tableStart[k] ..< tableStart[k] + tableMask[k] + 1]`.
    private var table: [Int32] = []
    private var tableStart: [Int] = []
    private var tableMask: [Int] = []

    /// - Parameter paths: for each field, its key path (`"a.b"` split at dots).
    init(paths: [[String]]) {
        _ = build(paths.enumerated().map { (path: $0.element[...], field: $0.offset) })
        for range in nodes {
            var size = 2
            while size < 2 * range.count { size <<= 1 }
            let start = table.count
            table.append(contentsOf: repeatElement(-1, count: size))
            tableStart.append(start)
            tableMask.append(size - 1)
            for e in range {
                var k = Self.hash(entries[e].head, entries[e].head2, entries[e].keyCount) & (size - 1)
                while table[start + k] >= 0 { k = (k + 1) & (size - 1) }
                table[start + k] = Int32(e)
            }
        }
    }

    private mutating func build(_ group: [(path: ArraySlice<String>, field: Int)]) -> Int {
        let node = nodes.count
        nodes.append(0..<0)
        fieldsBelow.append(group.map(\.field))
        var order: [String] = []
        var byKey: [String: [(path: ArraySlice<String>, field: Int)]] = [:]
        for item in group {
            let key = item.path.first!
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append((item.path.dropFirst(), item.field))
        }
        var local: [Entry] = []
        for key in order {
            let members = byKey[key]!
            let field = members.first { $0.path.isEmpty }?.field ?? -1
            let nested = members.filter { !$0.path.isEmpty }
            let child = nested.isEmpty ? -1 : build(nested)
            let utf8 = Array(key.utf8)
            local.append(Entry(
                keyStart: keyBytes.count, keyCount: utf8.count, head: Self.word(utf8, from: 0),
                head2: Self.word(utf8, from: 8), field: field, child: child))
            keyBytes.append(contentsOf: utf8)
        }
        nodes[node] = entries.count..<(entries.count + local.count)
        entries.append(contentsOf: local)
        return node
    }

    /// Bytes `from ..< from + 8` of `bytes` as a little-endian word, zero-padded.
    private static func word(_ bytes: [UInt8], from: Int) -> UInt64 {
        var h: UInt64 = 0
        for (i, b) in bytes.dropFirst(from).prefix(8).enumerated() { h |= UInt64(b) << UInt64(8 * i) }
        return h
    }

    /// The slot hash of a key given as its first two words and length (also `JSONFlatKeys`').
    @inline(__always)
    static func hash(_ head: UInt64, _ head2: UInt64, _ count: Int) -> Int {
        // Both words count: keys often share their first eight bytes (`customer_id`, `customer_name`).
        let h = (head ^ (head2 &* 0xFF51_AFD7_ED55_8CCD) ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 40)
    }

    /// A mask of the low `count` bytes of a word (all of it for eight or more); `count >= 0`.
    @inline(__always)
    private static func lowBytes(_ count: Int) -> UInt64 {
        count >= 8 ? ~0 : (1 << UInt64(8 * count)) &- 1
    }

    /// Reads the key whose opening quote is at `quote` straight from the line, for the common
    /// case of a short key (at most 16 bytes) of plain ASCII without escapes: returns the index
    /// of its closing quote and sets `entry` to its entry in `node` (or -1), or returns -1 if
    /// the key is not such a key (then it must be scanned as a string).
    ///
    /// The key's bytes hold no quote, backslash, control or non-ASCII byte, so scanning the
    /// string would stop at the same quote and find the same, unescaped, key. Loads stay
    /// inside `s` (`quote + 17 <= s.count`).
    @inline(__always)
    func shortKey(_ node: Int, _ s: UnsafeBufferPointer<UInt8>, quote: Int, entry: inout Int) -> Int {
        let p = quote + 1
        guard p + 16 <= s.count else { return -1 }
        let base = UnsafeRawPointer(s.baseAddress!)
        let w0 = base.loadUnaligned(fromByteOffset: p, as: UInt64.self).littleEndian
        let m0 = JSONTokens.specialBytes(w0)
        let count: Int, head: UInt64, head2: UInt64
        if m0 != 0 {
            count = m0.trailingZeroBitCount >> 3
            head = w0 & Self.lowBytes(count)
            head2 = 0
        } else {
            let w1 = base.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self).littleEndian
            let m1 = JSONTokens.specialBytes(w1)
            guard m1 != 0 else { return -1 }
            count = 8 + m1.trailingZeroBitCount >> 3
            head = w0
            head2 = w1 & Self.lowBytes(count - 8)
        }
        guard s[p + count] == JSONTokens.quote else { return -1 }
        entry = probe(node, head, head2, count)
        return p + count
    }

    /// The entry of `node` with a key of `count <= 16` bytes held in `head` and `head2`, or -1.
    @inline(__always)
    private func probe(_ node: Int, _ head: UInt64, _ head2: UInt64, _ count: Int) -> Int {
        let start = tableStart[node], mask = tableMask[node]
        var k = Self.hash(head, head2, count) & mask
        return table.withUnsafeBufferPointer { t in
            entries.withUnsafeBufferPointer { es in
                while true {
                    let e = Int(t[start + k])
                    if e < 0 { return -1 }
                    let entry = es[e]
                    if entry.head == head, entry.head2 == head2, entry.keyCount == count { return e }
                    k = (k + 1) & mask
                }
            }
        }
    }

    /// The entry of `node` whose key is `key`, or -1. `limit` is where the readable bytes
    /// around `key` end (at least `key`'s end): a key shorter than eight bytes is read with
    /// one load when eight bytes fit before `limit`.
    @inline(__always)
    func find(_ node: Int, _ key: UnsafeBufferPointer<UInt8>, limit: UnsafePointer<UInt8>) -> Int {
        let n = key.count
        let p = key.baseAddress!
        var head: UInt64
        if limit - p >= 8 {
            head = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self).littleEndian & Self.lowBytes(n)
        } else {
            head = 0
            for i in 0..<n { head |= UInt64(key[i]) << UInt64(8 * i) }
        }
        var head2: UInt64 = 0
        if n > 8 {
            for i in 8..<min(n, 16) { head2 |= UInt64(key[i]) << UInt64(8 * (i - 8)) }
        }
        let start = tableStart[node], mask = tableMask[node]
        var k = Self.hash(head, head2, n) & mask
        return table.withUnsafeBufferPointer { t in
            entries.withUnsafeBufferPointer { es in
                while true {
                    let e = Int(t[start + k])
                    if e < 0 { return -1 }
                    let entry = es[e]
                    if entry.keyCount == n, entry.head == head, n <= 8 || rest(entry, key) { return e }
                    k = (k + 1) & mask
                }
            }
        }
    }

    @inline(__always)
    private func rest(_ e: Entry, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        keyBytes.withUnsafeBufferPointer { kb in
            for j in 8..<e.keyCount where kb[e.keyStart + j] != key[j] { return false }
            return true
        }
    }
}
