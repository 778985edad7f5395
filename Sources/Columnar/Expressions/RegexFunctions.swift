/// `rlike`, `regexp_extract` and `split` with regular expressions. Patterns use Swift's regex
/// syntax (PCRE-like; the constructs of Java's `java.util.regex` that log queries use:
/// classes, quantifiers, groups, anchors, lookaround) and match by Unicode scalar, as Java
/// matches by code point.
enum RegexFunctions {
    /// A literal pattern must compile; the error names it.
    static func checkLiteralPattern(_ e: Expr, in expr: Expr) throws {
        guard case .literal(.string(let p)) = e.unaliased else { return }
        _ = try compile(p)
    }

    static func compile(_ pattern: String) throws -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            throw ColumnarError.invalidArgument("invalid regular expression '\(pattern)': \(error)")
        }
    }

    /// Patterns with no special character match as plain text (no regex engine needed).
    static func isPlainText(_ p: String) -> Bool {
        !p.utf8.contains { b in Array("\\^$.|?*+()[]{}".utf8).contains(b) }
    }

    /// Applies `body` to each row with the row's compiled pattern (compiled once per distinct pattern).
    private static func perRow(
        _ c: Column, _ pattern: Datum, _ body: (_ row: Int, _ s: String, _ regex: Regex<AnyRegexOutput>, _ pattern: String) throws -> Void
    ) throws -> Bitmap {
        let n = c.count
        let s = c.stringValues
        var valid = c.validity ?? Bitmap(count: n, value: true)
        switch pattern {
        case .scalar(.string(let p), _):
            let r = try compile(p)
            for i in 0..<n where valid[i] { try body(i, s[i], r, p) }
        case .scalar:
            valid = Bitmap(count: n, value: false)
        case .column(let pc):
            let ps = pc.stringValues
            var cache: [String: Regex<AnyRegexOutput>] = [:]
            for i in 0..<n {
                guard valid[i], pc.isValid(i) else { valid[i] = false; continue }
                let p = ps[i]
                if cache[p] == nil { cache[p] = try compile(p) }
                try body(i, s[i], cache[p]!, p)
            }
        }
        return valid
    }

    /// Spark's `rlike`: true when the pattern matches a part of the string.
    static func rlike(_ c: Column, _ pattern: Datum) throws -> Column {
        let n = c.count
        if case .scalar(.string(var p), _) = pattern, isPlainText(p) {
            let s = c.stringValues
            var out = [Bool](repeating: false, count: n)
            p.withUTF8 { needle in for i in 0..<n { out[i] = s.withBytes(i) { ByteSearch.contains($0, needle) } } }
            return .bools(out, validity: c.validity)
        }
        var out = [Bool](repeating: false, count: n)
        let valid = try perRow(c, pattern) { i, s, r, _ in out[i] = s.contains(r) }
        return .bools(out, validity: valid.popCount == n ? nil : valid)
    }

    /// Spark's `regexp_extract(str, regex, idx)`: group `idx` (0 = the whole match) of the
    /// first match; "" when nothing matches or the group did not take part. A group index
    /// beyond the pattern's groups is an error, raised (as in Spark) when a match is found.
    static func extract(_ c: Column, _ pattern: Datum, _ index: Datum) throws -> Column {
        let n = c.count
        var out = StringArray()
        var idx: Int64?
        if case .scalar(.int64(let v), _) = index { idx = v }
        let idxColumn: Column? = { if case .column(let ic) = index { return ic } else { return nil } }()
        var nullIndex = Bitmap(count: n, value: true)
        var strings = [String](repeating: "", count: n)
        var valid = try perRow(c, pattern) { i, s, r, p in
            let g: Int64
            if let idx { g = idx } else if let ic = idxColumn, ic.isValid(i) { g = ic.int64Values[i] } else { nullIndex[i] = false; return }
            guard g >= 0 else {
                throw ColumnarError.invalidArgument("regexp_extract: the group index must be >= 0, got \(g) for pattern '\(p)'")
            }
            guard let m = try r.firstMatch(in: s) else { return }
            let groups = m.output.count - 1
            guard g <= groups else {
                throw ColumnarError.invalidArgument("regexp_extract: regex group count is \(groups), but the specified group index is \(g) (pattern '\(p)')")
            }
            strings[i] = m.output[Int(g)].substring.map(String.init) ?? ""
        }
        if case .scalar(.null, _) = index { valid = Bitmap(count: n, value: false) }
        for i in 0..<n where !nullIndex[i] { valid[i] = false }
        for i in 0..<n { if valid[i] { out.append(strings[i]) } else { out.appendEmpty() } }
        return .strings(out, validity: valid.popCount == n ? nil : valid)
    }

    /// Item `item` (0-based; nil = the number of items) of Spark's `split(str, regex, limit)`:
    /// Java's `String.split` with `limit` (> 0: at most that many items, the last one holding
    /// the rest; otherwise all, trailing empty strings kept, since Spark turns 0 into -1).
    /// An empty pattern splits into characters.
    static func split(_ c: Column, _ pattern: Datum, _ limit: Datum, item: Int?) throws -> Column {
        let n = c.count
        guard case .scalar(.int64(let lim), _) = limit else {
            return Column.repeating(.null, type: item == nil ? .int64 : .string, count: n)
        }
        var pieces = [[Substring]](repeating: [], count: n)
        let valid = try perRow(c, pattern) { i, s, r, p in pieces[i] = splitOne(s, r, plain: p, limit: Int(clamping: lim)) }
        if let item {
            var out = StringArray()
            var v = valid
            for i in 0..<n {
                if v[i], item >= 0, item < pieces[i].count { out.append(String(pieces[i][item])) } else { v[i] = false; out.appendEmpty() }
            }
            return .strings(out, validity: v.popCount == n ? nil : v)
        }
        return .int64s(pieces.map { Int64($0.count) }, validity: valid.popCount == n ? nil : valid)
    }

    static func splitOne(_ s: String, _ r: Regex<AnyRegexOutput>, plain p: String, limit: Int) -> [Substring] {
        let whole = Substring(s)
        if p.isEmpty {
            if s.isEmpty { return [whole] }
            let scalars = s.unicodeScalars
            let count = scalars.count
            let pieces = limit > count || limit <= 0 ? count : limit
            var out: [Substring] = []
            var idx = scalars.startIndex
            for _ in 0..<(pieces - 1) {
                let next = scalars.index(after: idx)
                out.append(whole[idx..<next])
                idx = next
            }
            out.append(whole[idx...])
            return out
        }
        var out: [Substring] = []
        var start = s.startIndex
        for m in s.matches(of: r) {
            if limit > 0 && out.count == limit - 1 { break }
            // A zero-width match at the very beginning yields no leading empty string (Java 8+).
            if m.range.isEmpty && m.range.lowerBound == s.startIndex { continue }
            out.append(whole[start..<m.range.lowerBound])
            start = m.range.upperBound
        }
        out.append(whole[start...])
        return out
    }
}
