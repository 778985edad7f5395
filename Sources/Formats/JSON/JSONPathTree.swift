/// The requested field paths as a tree of object keys: `a.b` and `a.c` share the node for `a`.
/// Node 0 is the top-level object.
struct JSONPathTree: Sendable {
    struct Entry: Sendable {
        /// The key's bytes in `keyBytes`.
        var keyStart: Int
        var keyCount: Int
        /// The key's first (up to) eight bytes, little-endian, zero-padded: most keys compare in one step.
        var head: UInt64
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

    /// - Parameter paths: for each field, its key path (`"a.b"` split at dots).
    init(paths: [[String]]) {
        _ = build(paths.enumerated().map { (path: $0.element[...], field: $0.offset) })
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
            local.append(Entry(keyStart: keyBytes.count, keyCount: utf8.count, head: Self.head(utf8), field: field, child: child))
            keyBytes.append(contentsOf: utf8)
        }
        nodes[node] = entries.count..<(entries.count + local.count)
        entries.append(contentsOf: local)
        return node
    }

    private static func head(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0
        for (i, b) in bytes.prefix(8).enumerated() { h |= UInt64(b) << UInt64(8 * i) }
        return h
    }

    /// The entry of `node` whose key is `key`, or -1. `hint` is where the search starts and is
    /// moved past the match: keys usually come in the same order on every line.
    @inline(__always)
    func find(_ node: Int, _ key: UnsafeBufferPointer<UInt8>, hint: inout Int) -> Int {
        let range = nodes[node]
        if range.isEmpty { return -1 }
        let n = key.count
        var head: UInt64 = 0
        if n >= 8 {
            head = UnsafeRawPointer(key.baseAddress!).loadUnaligned(as: UInt64.self)
        } else {
            for i in 0..<n { head |= UInt64(key[i]) << UInt64(8 * i) }
        }
        var i = hint >= range.lowerBound && hint < range.upperBound ? hint : range.lowerBound
        return entries.withUnsafeBufferPointer { es in
            for _ in 0..<range.count {
                let e = es[i]
                if e.keyCount == n, e.head == head, n <= 8 || rest(e, key) {
                    hint = i + 1 == range.upperBound ? range.lowerBound : i + 1
                    return i
                }
                i = i + 1 == range.upperBound ? range.lowerBound : i + 1
            }
            return -1
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
