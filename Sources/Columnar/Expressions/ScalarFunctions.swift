/// Type rules and vectorised kernels for the built-in scalar functions.
enum ScalarFunctions {
    static func resultType(_ f: ScalarFunction, _ args: [DataType], expr: Expr) throws -> DataType {
        func need(_ count: Int, _ types: [DataType]...) throws {
            guard args.count == count else { throw ColumnarError.invalidArgument("\(f.name) takes \(count) argument(s) in \(expr)") }
            for (i, allowed) in types.enumerated() where !allowed.contains(args[i]) {
                throw ColumnarError.typeMismatch("argument \(i + 1) of \(f.name) must be \(allowed.map(\.rawValue).joined(separator: " or ")), got \(args[i]) in \(expr)")
            }
        }
        if let t = try LogFunctions.resultType(f, args, expr: expr) { return t }
        switch f {
        case .lower, .upper, .trim:
            try need(1, [.string]); return .string
        case .length:
            try need(1, [.string]); return .int64
        case .contains, .startsWith, .endsWith:
            try need(2, [.string], [.string]); return .bool
        case .concat:
            guard !args.isEmpty else { throw ColumnarError.invalidArgument("concat needs arguments") }
            return .string
        case .coalesce:
            guard let first = args.first, args.allSatisfy({ $0 == first }) else {
                throw ColumnarError.typeMismatch("coalesce needs arguments of one type in \(expr)")
            }
            return first
        case .toDate:
            guard args.count == 2 else { try need(1, [.timestamp, .date, .string]); return .date }
            try need(2, [.timestamp, .date, .string], [.string])
            try TimeZoneFunctions.checkZoneLiteral(expr, argument: 1)
            return .date
        case .dateTrunc:
            try need(1, [.timestamp, .date]); return .timestamp
        case .year, .month, .dayOfMonth:
            try need(1, [.timestamp, .date]); return .int64
        case .hour, .minute, .second:
            try need(1, [.timestamp]); return .int64
        case .windowTime:
            try need(1, [.timestamp]); return .timestamp
        case .timestampAdd:
            try need(1, [.timestamp]); return .timestamp
        case .windowStart(let size):
            guard size > 0 else { throw ColumnarError.invalidArgument("windowStart: the window size must be positive in \(expr)") }
            try need(1, [.timestamp]); return .timestamp
        default:
            preconditionFailure("\(f.name) is typed by LogFunctions")
        }
    }

    static func evaluate(_ f: ScalarFunction, _ args: [Datum], _ n: Int) throws -> Datum {
        if let d = try LogFunctions.evaluate(f, args, n) { return d }
        // The pattern of a match is usually a literal: it stays scalar.
        if f == .contains || f == .startsWith || f == .endsWith { return .column(match(f, args[0].materialize(n), args[1])) }
        let cols = args.map { $0.materialize(n) }
        switch f {
        case .lower: return .column(mapStrings(cols[0]) { $0.lowercased() } ascii: { $0 &- 65 < 26 ? $0 | 0x20 : $0 })
        case .upper: return .column(mapStrings(cols[0]) { $0.uppercased() } ascii: { $0 &- 97 < 26 ? $0 & ~0x20 : $0 })
        case .trim: return .column(mapStringsWhole(cols[0]) { String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) })
        case .length:
            let s = cols[0].stringValues
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n { out[i] = s.withBytes(i) { Int64($0.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }) } }
            return .column(.int64s(out, validity: cols[0].validity))
        case .contains, .startsWith, .endsWith:
            preconditionFailure("matched above")
        case .concat:
            // Bytes copied straight from the arguments' buffers: no String per row.
            let strs = cols.map { Casts.cast($0, to: .string) }
            let arrays = strs.map(\.stringValues)
            var out = StringArray()
            out.reserve(count: n, bytes: arrays.reduce(0) { $0 + $1.bytes.count })
            var valid = Bitmap(count: n, value: true)
            var scratch: [UInt8] = []
            for i in 0..<n {
                scratch.removeAll(keepingCapacity: true)
                if strs.contains(where: { !$0.isValid(i) }) {
                    valid[i] = false
                } else {
                    for a in arrays { a.withBytes(i) { scratch.append(contentsOf: $0) } }
                }
                out.append(contentsOf: scratch)
            }
            return .column(.strings(out, validity: valid.popCount == n ? nil : valid))
        case .coalesce:
            var b = ColumnBuilder(type: cols[0].type, capacity: n)
            for i in 0..<n { b.append(cols.first(where: { $0.isValid(i) })?[i] ?? .null) }
            return .column(b.finish())
        case .toDate:
            if cols.count == 2, cols[0].type == .timestamp {
                return .column(Casts.cast(try TimeZoneFunctions.shift(cols[0], zone: args[1], toLocal: true), to: .date))
            }
            return .column(Casts.cast(cols[0], to: .date))
        case .dateTrunc(let unit):
            let ts = Casts.cast(cols[0], to: .timestamp)
            return .column(.timestamps(ts.int64Values.map { TimeFields.truncate($0, unit) }, validity: ts.validity))
        case .year, .month, .dayOfMonth, .hour, .minute, .second:
            let ts = Casts.cast(cols[0], to: .timestamp)
            return .column(.int64s(ts.int64Values.map { TimeFields.extract(f, $0) }, validity: ts.validity))
        case .windowTime:
            // A window is [start, end): its last instant is one microsecond before the end.
            return .column(.timestamps(cols[0].int64Values.map { $0 - 1 }, validity: cols[0].validity))
        case .timestampAdd(let micros):
            // Wraps on overflow, as Sluice's integer arithmetic does.
            return .column(.timestamps(cols[0].int64Values.map { $0 &+ micros }, validity: cols[0].validity))
        case .windowStart(let size):
            return .column(.timestamps(cols[0].int64Values.map { Timestamps.floorDiv($0, size) &* size }, validity: cols[0].validity))
        default:
            preconditionFailure("\(f.name) is evaluated by LogFunctions")
        }
    }

    /// Byte-wise mapping for ASCII values, falling back to `String` for anything else.
    private static func mapStrings(_ c: Column, _ unicode: (String) -> String, ascii: (UInt8) -> UInt8) -> Column {
        let s = c.stringValues
        var out = StringArray()
        out.reserve(count: c.count, bytes: s.bytes.count)
        var scratch = [UInt8]()
        for i in 0..<c.count {
            let isASCII = s.withBytes(i) { $0.allSatisfy { $0 < 0x80 } }
            if isASCII {
                scratch.removeAll(keepingCapacity: true)
                s.withBytes(i) { for b in $0 { scratch.append(ascii(b)) } }
                out.append(contentsOf: scratch)
            } else {
                out.append(unicode(s[i]))
            }
        }
        return .strings(out, validity: c.validity)
    }

    private static func mapStringsWhole(_ c: Column, _ f: (String) -> String) -> Column {
        let s = c.stringValues
        var out = StringArray()
        for i in 0..<c.count { out.append(f(s[i])) }
        return .strings(out, validity: c.validity)
    }

    private static func match(_ f: ScalarFunction, _ c: Column, _ pattern: Datum) -> Column {
        let s = c.stringValues
        let n = c.count
        @inline(__always) func test(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
            switch f {
            case .startsWith: return hay.count >= needle.count && hay.prefix(needle.count).elementsEqual(needle)
            case .endsWith: return hay.count >= needle.count && hay.suffix(needle.count).elementsEqual(needle)
            default: return ByteSearch.contains(hay, needle)
            }
        }
        var out = [Bool](repeating: false, count: n)
        switch pattern {
        case .scalar(.string(var literal), _):
            literal.withUTF8 { needle in
                for i in 0..<n { out[i] = s.withBytes(i) { test($0, needle) } }
            }
            return .bools(out, validity: c.validity)
        case .scalar:
            return Column.repeating(.null, type: .bool, count: n)
        case .column(let patterns):
            let p = patterns.stringValues
            for i in 0..<n { out[i] = s.withBytes(i) { hay in p.withBytes(i) { test(hay, $0) } } }
            return .bools(out, validity: c.validity & patterns.validity)
        }
    }
}

enum ByteSearch {
    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > hay.count { return false }
        let first = needle[0]
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
