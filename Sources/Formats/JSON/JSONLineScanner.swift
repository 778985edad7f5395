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

/// The scanner's per-line bookkeeping, allocated once per read. It lives in a class so the hot
/// loop writes it through fixed pointers, without the copy-on-write checks of arrays held in
/// a mutating struct. Indices are bounded by construction: fields are below `fieldCount` and
/// entries below the tree's entry count, the sizes allocated here.
final class JSONScanState {
    /// Indexed by field, valid where `generation` matches.
    let slots: UnsafeMutableBufferPointer<JSONSlot>
    /// Indexed by tree entry: the generation in which the key was last seen (duplicate keys).
    let entrySeen: UnsafeMutableBufferPointer<UInt32>

    init(tree: JSONPathTree, fieldCount: Int) {
        for e in tree.entries where e.field >= 0 { precondition(e.field < fieldCount, "field index out of range") }
        slots = .allocate(capacity: fieldCount)
        slots.initialize(repeating: JSONSlot())
        entrySeen = .allocate(capacity: tree.entries.count)
        entrySeen.initialize(repeating: 0)
    }

    deinit {
        slots.deallocate()
        entrySeen.deallocate()
    }
}

/// First pass over a line: validates the whole JSON object (including values that are skipped)
/// and records where each requested field's value is, without converting anything.
struct JSONLineScanner {
    /// Deeper nesting is rejected, which also bounds the recursion.
    static let maxDepth = 512

    let tree: JSONPathTree
    let state: JSONScanState
    /// The top-level keys, for `scanFlat`.
    let flatKeys: JSONFlatKeys
    var generation: UInt32 = 0
    private var keyScratch: [UInt8] = []
    /// Whether `scan` tries `scanFlat` first.
    private let usesFastPath: Bool
    /// Lines left for `scan` to send straight to `scanGeneral`, after `scanFlat` failed on a
    /// line: on input that is not flat objects, every attempt would be wasted work.
    private var flatBackoff = 0
    private var nextFlatBackoff = 1

    init(tree: JSONPathTree, fieldCount: Int, usesFastPath: Bool = true) {
        self.tree = tree
        state = JSONScanState(tree: tree, fieldCount: fieldCount)
        flatKeys = JSONFlatKeys(tree: tree)
        self.usesFastPath = usesFastPath
    }

    /// Indexed by field, valid where `generation` matches; set by `scan`.
    var slots: UnsafeMutableBufferPointer<JSONSlot> { state.slots }

    /// Scans one line; afterwards `slots` describe its fields.
    mutating func scan(_ s: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        if usesFastPath {
            if flatBackoff > 0 {
                flatBackoff -= 1
            } else if scanFlat(s) {
                nextFlatBackoff = 1
                return
            } else {
                flatBackoff = nextFlatBackoff
                nextFlatBackoff = min(2 * nextFlatBackoff, 64)
            }
        }
        try scanGeneral(s)
    }

    /// `scan` without the fast path for flat objects (which `scanFlat` must agree with).
    mutating func scanGeneral(_ s: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        generation &+= 1
        if generation == 0 { resetGenerations() }
        var i = JSONTokens.skipWhitespace(s, 0)
        guard i < s.count, s[i] == UInt8(ascii: "{") else { throw JSONSyntaxError(.notAnObject, at: i) }
        i = try object(s, i, node: 0, depth: 1)
        i = JSONTokens.skipWhitespace(s, i)
        guard i == s.count else { throw JSONSyntaxError(.trailingCharacters, at: i) }
    }

    mutating func resetGenerations() {
        for k in state.slots.indices { state.slots[k].generation = 0 }
        for k in state.entrySeen.indices { state.entrySeen[k] = 0 }
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
            var entry = -1
            var keyEnd = node >= 0 ? tree.shortKey(node, s, quote: i, entry: &entry) : -1
            if keyEnd < 0 {
                var keyEscaped = false
                keyEnd = try JSONTokens.string(s, i, escaped: &keyEscaped)
                if node >= 0 { entry = lookup(node, s, i + 1, keyEnd, escaped: keyEscaped) }
            }
            i = JSONTokens.skipWhitespace(s, keyEnd + 1)
            guard i < n, s[i] == UInt8(ascii: ":") else { throw JSONSyntaxError(.expectedColon, at: i) }
            i = JSONTokens.skipWhitespace(s, i + 1)
            guard i < n else { throw JSONSyntaxError(.expectedValue, at: i) }
            let child = entry >= 0 ? tree.entries[entry].child : -1
            if s[i] == JSONTokens.quote && child < 0 {
                // A string, skipped or kept whole: the common case, scanned right here.
                var escaped = false
                let close = try JSONTokens.string(s, i, escaped: &escaped)
                // An entry without a child node completes a field.
                if entry >= 0 { record(tree.entries[entry].field, .string, i + 1, close, escaped: escaped) }
                i = close + 1
            } else if entry >= 0 {
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
        if !escaped { return tree.find(node, key, limit: s.baseAddress! + s.count) }
        keyScratch.removeAll(keepingCapacity: true)
        JSONStrings.unescape(key, into: &keyScratch)
        return keyScratch.withUnsafeBufferPointer { tree.find(node, $0, limit: $0.baseAddress! + $0.count) }
    }

    /// Scans the value at `i` of a requested key and records it.
    @inline(__always)
    private mutating func matched(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, entry: Int, depth: Int) throws(JSONSyntaxError) -> Int {
        let e = tree.entries[entry]
        if e.child >= 0 {
            if state.entrySeen[entry] == generation {
                // A duplicate key: the last one wins, so forget what the earlier value set.
                for f in tree.fieldsBelow[e.child] { state.slots[f].generation = 0 }
            }
            state.entrySeen[entry] = generation
            if s[i] == UInt8(ascii: "{") {
                let end = try object(s, i, node: e.child, depth: depth + 1)
                if e.field >= 0 { record(e.field, .object, i, end, escaped: false) }
                return end
            }
        }
        let v = try value(s, i, depth: depth)
        if e.field >= 0 { record(e.field, v.kind, v.start, v.contentEnd, escaped: v.escaped) }
        return v.end
    }

    @inline(__always)
    private func record(_ field: Int, _ kind: JSONKind, _ start: Int, _ end: Int, escaped: Bool) {
        state.slots[field] = JSONSlot(generation: generation, kind: kind, escaped: escaped, start: start, end: end)
    }

    /// Scans any value at `i`. `start..<contentEnd` is its text (strings: without quotes); `end` is past it.
    @inline(__always)
    private mutating func value(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, depth: Int) throws(JSONSyntaxError)
        -> (kind: JSONKind, start: Int, contentEnd: Int, end: Int, escaped: Bool)
    {
        let c = s[i]
        if c == JSONTokens.quote {
            var escaped = false
            let close = try JSONTokens.string(s, i, escaped: &escaped)
            return (.string, i + 1, close, close + 1, escaped)
        }
        return try otherValue(s, i, depth: depth)
    }

    /// The values other than strings, kept out of line: the lines this reader is built for
    /// hold mostly strings.
    private mutating func otherValue(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, depth: Int) throws(JSONSyntaxError)
        -> (kind: JSONKind, start: Int, contentEnd: Int, end: Int, escaped: Bool)
    {
        switch s[i] {
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
