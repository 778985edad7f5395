/// The kind of JSON value found for a field.
enum JSONKind: UInt8 {
    case string, integer, number, trueValue, falseValue, null, object, array
}

/// Where a requested field's value sits in the current line.
struct JSONSlot {
    /// The row generation that set this slot; any other value means the field is missing.
    var generation: UInt32 = 0
    var kind: JSONKind = .null
    /// Strings: the content has escape sequences.
    var escaped = false
    /// The value's bytes; for strings, between the quotes.
    var start = 0
    var end = 0
}

/// First pass over a line: validates the whole JSON object (including values that are skipped)
/// and records where each requested field's value is, without converting anything.
struct JSONLineScanner {
    /// Deeper nesting is rejected, which also bounds the recursion.
    static let maxDepth = 512

    let tree: JSONPathTree
    /// Indexed by field, valid where `generation` matches.
    private(set) var slots: [JSONSlot]
    private(set) var generation: UInt32 = 0
    private var entrySeen: [UInt32]
    private var hints: [Int]
    private var keyScratch: [UInt8] = []

    init(tree: JSONPathTree, fieldCount: Int) {
        self.tree = tree
        slots = [JSONSlot](repeating: JSONSlot(), count: fieldCount)
        entrySeen = [UInt32](repeating: 0, count: tree.entries.count)
        hints = tree.nodes.map(\.lowerBound)
    }

    /// Scans one line; afterwards `slots` describe its fields.
    mutating func scan(_ s: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        generation &+= 1
        if generation == 0 { resetGenerations() }
        var i = JSONTokens.skipWhitespace(s, 0)
        guard i < s.count, s[i] == UInt8(ascii: "{") else { throw JSONSyntaxError(.notAnObject, at: i) }
        i = try object(s, i, node: 0, depth: 1)
        i = JSONTokens.skipWhitespace(s, i)
        guard i == s.count else { throw JSONSyntaxError(.trailingCharacters, at: i) }
    }

    private mutating func resetGenerations() {
        for k in slots.indices { slots[k].generation = 0 }
        for k in entrySeen.indices { entrySeen[k] = 0 }
        generation = 1
    }

    /// Scans the object whose `{` is at `start`, recording fields of tree `node` (-1: none).
    private mutating func object(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, node: Int, depth: Int) throws(JSONSyntaxError) -> Int {
        guard depth <= Self.maxDepth else { throw JSONSyntaxError(.tooDeep, at: start) }
        let n = s.count
        var i = JSONTokens.skipWhitespace(s, start + 1)
        if i < n, s[i] == UInt8(ascii: "}") { return i + 1 }
        while true {
            guard i < n, s[i] == JSONTokens.quote else { throw JSONSyntaxError(.expectedKey, at: i) }
            var keyEscaped = false
            let keyEnd = try JSONTokens.string(s, i, escaped: &keyEscaped)
            let keyStart = i + 1
            i = JSONTokens.skipWhitespace(s, keyEnd + 1)
            guard i < n, s[i] == UInt8(ascii: ":") else { throw JSONSyntaxError(.expectedColon, at: i) }
            i = JSONTokens.skipWhitespace(s, i + 1)
            guard i < n else { throw JSONSyntaxError(.expectedValue, at: i) }
            let entry = node < 0 ? -1 : lookup(node, s, keyStart, keyEnd, escaped: keyEscaped)
            if entry >= 0 {
                i = try matched(s, i, entry: entry, depth: depth)
            } else {
                i = try value(s, i, depth: depth).end
            }
            i = JSONTokens.skipWhitespace(s, i)
            guard i < n else { throw JSONSyntaxError(.expectedCommaOrBrace, at: i) }
            if s[i] == UInt8(ascii: ",") {
                i = JSONTokens.skipWhitespace(s, i + 1)
            } else if s[i] == UInt8(ascii: "}") {
                return i + 1
            } else {
                throw JSONSyntaxError(.expectedCommaOrBrace, at: i)
            }
        }
    }

    @inline(__always)
    private mutating func lookup(_ node: Int, _ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) -> Int {
        let key = UnsafeBufferPointer(rebasing: s[start..<end])
        if !escaped { return tree.find(node, key, hint: &hints[node]) }
        keyScratch.removeAll(keepingCapacity: true)
        JSONStrings.unescape(key, into: &keyScratch)
        return keyScratch.withUnsafeBufferPointer { tree.find(node, $0, hint: &hints[node]) }
    }

    /// Scans the value at `i` of a requested key and records it.
    private mutating func matched(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, entry: Int, depth: Int) throws(JSONSyntaxError) -> Int {
        let e = tree.entries[entry]
        if entrySeen[entry] == generation {
            // A duplicate key: the last one wins, so forget what the earlier value set.
            if e.child >= 0 { for f in tree.fieldsBelow[e.child] { slots[f].generation = 0 } }
        }
        entrySeen[entry] = generation
        if e.child >= 0, s[i] == UInt8(ascii: "{") {
            let end = try object(s, i, node: e.child, depth: depth + 1)
            if e.field >= 0 { record(e.field, .object, i, end, escaped: false) }
            return end
        }
        let v = try value(s, i, depth: depth)
        if e.field >= 0 { record(e.field, v.kind, v.start, v.contentEnd, escaped: v.escaped) }
        return v.end
    }

    @inline(__always)
    private mutating func record(_ field: Int, _ kind: JSONKind, _ start: Int, _ end: Int, escaped: Bool) {
        slots[field] = JSONSlot(generation: generation, kind: kind, escaped: escaped, start: start, end: end)
    }

    /// Scans any value at `i`. `start..<contentEnd` is its text (strings: without quotes); `end` is past it.
    @inline(__always)
    private mutating func value(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, depth: Int) throws(JSONSyntaxError)
        -> (kind: JSONKind, start: Int, contentEnd: Int, end: Int, escaped: Bool)
    {
        switch s[i] {
        case JSONTokens.quote:
            var escaped = false
            let close = try JSONTokens.string(s, i, escaped: &escaped)
            return (.string, i + 1, close, close + 1, escaped)
        case UInt8(ascii: "{"):
            let end = try object(s, i, node: -1, depth: depth + 1)
            return (.object, i, end, end, false)
        case UInt8(ascii: "["):
            let end = try array(s, i, depth: depth + 1)
            return (.array, i, end, end, false)
        case UInt8(ascii: "t"):
            let end = try JSONTokens.literal(s, i, "true")
            return (.trueValue, i, end, end, false)
        case UInt8(ascii: "f"):
            let end = try JSONTokens.literal(s, i, "false")
            return (.falseValue, i, end, end, false)
        case UInt8(ascii: "n"):
            let end = try JSONTokens.literal(s, i, "null")
            return (.null, i, end, end, false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var integral = true
            let end = try JSONTokens.number(s, i, integral: &integral)
            return (integral ? .integer : .number, i, end, end, false)
        default:
            throw JSONSyntaxError(s[i] >= 0x80 && UTF8Validation.scalarLength(s, i) == 0 ? .invalidUTF8 : .expectedValue, at: i)
        }
    }

    private mutating func array(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, depth: Int) throws(JSONSyntaxError) -> Int {
        guard depth <= Self.maxDepth else { throw JSONSyntaxError(.tooDeep, at: start) }
        let n = s.count
        var i = JSONTokens.skipWhitespace(s, start + 1)
        if i < n, s[i] == UInt8(ascii: "]") { return i + 1 }
        while true {
            guard i < n else { throw JSONSyntaxError(.expectedValue, at: i) }
            i = JSONTokens.skipWhitespace(s, try value(s, i, depth: depth).end)
            guard i < n else { throw JSONSyntaxError(.expectedCommaOrBracket, at: i) }
            if s[i] == UInt8(ascii: ",") {
                i = JSONTokens.skipWhitespace(s, i + 1)
            } else if s[i] == UInt8(ascii: "]") {
                return i + 1
            } else {
                throw JSONSyntaxError(.expectedCommaOrBracket, at: i)
            }
        }
    }
}
