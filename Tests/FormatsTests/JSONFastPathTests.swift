import Columnar
import Testing
@testable import Formats

/// The JSON reader's fast paths (flat objects scanned in place, lines found while parsing,
/// byte classification a word or 16 bytes at a time, fixed-format timestamps) must give exactly
/// what the general paths give: these tests compare them on many generated lines, valid and not.
@Suite struct JSONFastPathTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }
    }

    static let schema = Schema([
        Field("ad_id", .string), Field("event_type", .string), Field("event_time", .timestamp), Field("n", .int64),
        Field("d", .double), Field("b", .bool), Field("day", .date), Field("a_key_longer_than_sixteen_bytes", .string),
        Field("exactly16bytes__", .string), Field("é_key", .string), Field("o.x", .int64), Field("o", .string),
    ])

    static let keys = [
        "ad_id", "event_type", "event_time", "n", "d", "b", "day", "a_key_longer_than_sixteen_bytes", "exactly16bytes__",
        "é_key", "o", "user_id", "page_id", "ip_address", "", "zz", "event_typ", "event_types", "ad_id\\u0000",
        "ad\\u005Fid", "k\\\"q", "\\\\",
    ]

    static func stringContent(_ g: inout Generator) -> String {
        let pieces = [
            "a", "click", "9a3ce3b4-dbca-629f-cb11-6d753f5cf690", "2026-11-25T09:59:56.865Z", "2024-02-29T23:59:60.999Z",
            "2023-02-29T00:00:00.000Z", "2026-11-25T24:00:00.000Z", "2026-11-25t09:59:56.865z", "2026-11-25 09:59:56.865Z",
            "2024-12-31", "-Infinity", "1.5", "\\\"", "\\\\", "\\/", "\\n", "\\u00e9", "\\ud83d\\ude00", "é", "中", "😀",
            " ", "}", "{", ",", ":", "[", "\\x", "\\ud800", "\\u12",
        ]
        var s = ""
        for _ in 0..<g.int(0..<5) { s += g.pick(pieces) }
        return s
    }

    static func value(_ g: inout Generator, depth: Int = 0) -> String {
        switch g.int(0..<14) {
        case 0...4: return "\"" + stringContent(&g) + "\""
        case 5: return g.pick(["0", "-42", "9223372036854775807", "9223372036854775808", "1.5", "-0.5e-7", "1E+2", "01", "-", "1.", "2e"])
        case 6: return g.pick(["true", "false", "null", "tru", "nul", "falsey"])
        case 7: return g.pick(["1709296496123", "20241231", "12.50"])
        case 8 where depth < 2:
            var members: [String] = []
            for _ in 0..<g.int(0..<3) { members.append("\"" + g.pick(["x", "y", "z"]) + "\":" + value(&g, depth: depth + 1)) }
            return "{" + members.joined(separator: ",") + "}"
        case 9 where depth < 2:
            var items: [String] = []
            for _ in 0..<g.int(0..<3) { items.append(value(&g, depth: depth + 1)) }
            return "[" + items.joined(separator: ",") + "]"
        default: return "\"" + stringContent(&g) + "\""
        }
    }

    static func space(_ g: inout Generator) -> String { g.chance(85) ? "" : g.pick([" ", "  ", "\t", " \r", "\r"]) }

    /// A line that is mostly a flat object, sometimes not, sometimes damaged.
    static func line(_ g: inout Generator) -> [UInt8] {
        var text = space(&g) + "{" + space(&g)
        var members: [String] = []
        for _ in 0..<g.int(0..<9) {
            members.append("\"" + g.pick(keys) + "\"" + space(&g) + ":" + space(&g) + value(&g) + space(&g))
        }
        text += members.joined(separator: "," + space(&g)) + "}" + space(&g)
        var bytes = Array(text.utf8)
        if g.chance(12), !bytes.isEmpty {
            let at = g.int(0..<bytes.count)
            switch g.int(0..<5) {
            case 0: bytes[at] = UInt8(truncatingIfNeeded: g.next())
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(g.pick([0x22, 0x5C, 0x7B, 0x7D, 0x2C, 0x3A, 0x80, 0xC3, 0xFF, 0x00, 0x09, 0x0D]), at: at)
            case 3: bytes.removeLast(bytes.count - at)
            default: bytes[at] = 0x0A  // a newline inside: the splitter ends the line there
            }
        }
        return bytes
    }

    private func snapshot(_ scanner: JSONLineScanner) -> [String] {
        (0..<scanner.slots.count).map { f in
            let slot = scanner.slots[f]
            guard slot.generation == scanner.generation else { return "-" }
            return "\(slot.kind) \(slot.escaped) \(slot.start)..<\(slot.end)"
        }
    }

    @Test func flatScanAgreesWithTheGeneralScanner() {
        let tree = JSONPathTree(paths: Self.schema.fields.map { $0.name.split(separator: ".").map(String.init) })
        var fast = JSONLineScanner(tree: tree, fieldCount: Self.schema.count)
        var general = JSONLineScanner(tree: tree, fieldCount: Self.schema.count)
        var g = Generator(state: 1)
        var flatLines = 0, flatRuns = 0
        for _ in 0..<30000 {
            let line = Self.line(&g).split(separator: 0x0A, omittingEmptySubsequences: false).first.map(Array.init) ?? []
            line.withUnsafeBufferPointer { s in
                let accepted = fast.scanFlat(s)
                let fastSlots = snapshot(fast)
                var ok = true
                do { try general.scanGeneral(s) } catch { ok = false }
                if accepted {
                    flatLines += 1
                    #expect(ok, "scanFlat accepted what scanGeneral rejects: \(String(decoding: line, as: UTF8.self))")
                    #expect(fastSlots == snapshot(general), "\(String(decoding: line, as: UTF8.self))")
                }
            }
            // The same line found in a chunk, followed by more text.
            let region = line + [0x0A] + Array("{\"ad_id\":\"next\"}".utf8)
            region.withUnsafeBufferPointer { r in
                let end = fast.scanFlatLine(r)
                let endsInBrace = line.last == UInt8(ascii: "}")
                line.withUnsafeBufferPointer { s in
                    var ok = true
                    do { try general.scanGeneral(s) } catch { ok = false }
                    if let end {
                        flatRuns += 1
                        #expect(end == line.count && endsInBrace && ok, "\(String(decoding: line, as: UTF8.self))")
                        #expect(snapshot(fast) == snapshot(general))
                    }
                }
            }
        }
        #expect(flatLines > 5000)
        #expect(flatRuns > 3000)  // scanFlatLine took lines too, so its half was checked
    }

    /// Reads `text` with and without the fast paths, in several chunk sizes, and expects the
    /// same result every time.
    private func expectSameReads(_ text: [UInt8], schema: Schema, mode: MalformedMode, corrupt: String?, _ note: String) throws {
        for chunk in [1 << 20, 4096, 64, 7] {
            let options = ReaderOptions(mode: mode, corruptRecordColumn: corrupt, maxLineBytes: 300, chunkBytes: chunk)
            let schema = corrupt.map { schema.setting(Field($0, .string)) } ?? schema
            var reference = JSONLinesReader(schema: schema, options: options)
            reference.usesFastPaths = false
            let fast = JSONLinesReader(schema: schema, options: options)
            var expected: Result<FileReadResult, ReadError>
            do { expected = .success(try reference.read(bytes: text)) } catch let e as ReadError { expected = .failure(e) }
            var actual: Result<FileReadResult, ReadError>
            do { actual = .success(try fast.read(bytes: text)) } catch let e as ReadError { actual = .failure(e) }
            switch (expected, actual) {
            case (.success(let e), .success(let a)):
                #expect(a.batch.schema == e.batch.schema, "\(note), chunk \(chunk)")
                #expect(a.batch.rows == e.batch.rows, "\(note), chunk \(chunk)")
                #expect(a.badRecords == e.badRecords, "\(note), chunk \(chunk)")
                #expect(a.lines == e.lines && a.bytes == e.bytes, "\(note), chunk \(chunk)")
            case (.failure(let e), .failure(let a)):
                #expect(a == e, "\(note), chunk \(chunk)")
            default:
                Issue.record("one read failed and the other did not: \(note), chunk \(chunk)")
            }
        }
    }

    @Test func readerGivesTheSameWithAndWithoutFastPaths() throws {
        var g = Generator(state: 7)
        for round in 0..<40 {
            var text: [UInt8] = g.chance(20) ? [0xEF, 0xBB, 0xBF] : []
            for _ in 0..<g.int(20..<120) {
                if g.chance(5) {
                    text += Array(g.pick(["", "   ", "\t"]).utf8)
                } else if g.chance(3) {
                    text += Array(("{\"ad_id\":\"" + String(repeating: "x", count: 320) + "\"}").utf8)  // overlong
                } else {
                    text += Self.line(&g)
                }
                text += g.chance(10) ? [0x0D, 0x0A] : [0x0A]
            }
            if g.chance(50) { text.removeLast() }
            let mode = g.pick([MalformedMode.permissive, .dropMalformed, .failFast])
            try expectSameReads(text, schema: Self.schema, mode: mode, corrupt: g.chance(70) ? "_corrupt_record" : nil, "round \(round), \(mode)")
        }
    }

    @Test func flatLinesWithSkippedNestedValuesAndEscapes() throws {
        let schema = Schema([Field("ad_id", .string), Field("event_type", .string), Field("event_time", .timestamp)])
        let text = #"""
            {"user_id":"u\"1","ad_id":"a1","nested":{"ad_id":"no","x":[1,{"event_type":"no"}]},"event_type":"view","event_time":"2026-11-25T09:59:56.865Z"}
            {"ad_id":"a\u0032","skip":"\\\"}{","event_type":"cli\nck","event_time":"2026-11-25T09:59:57.000Z","arr":[[[]]]}
            {"ad_id":"a3","event_type":"view","event_time":"2026-11-25T09:59:58.123Z","ip_address":"1.2.3.4"}
            {"ad_id":"a4","event_time":"2026-11-25T09:59:59.999Z","event_type":"purchase","ip_address":"155.195.158.38"}
            {"ad_id":"a5","event_type":"view","event_time":"2026-11-26T00:00:00.000Z","é":"中😀"}
            """#
        let r = try JSONLinesReader(schema: schema, options: ReaderOptions(corruptRecordColumn: nil)).read(text: text)
        #expect(r.badRecords.isEmpty)
        let t = { (d: Int, h: Int, m: Int, s: Int, ms: Int) in
            Value.timestamp(Timestamps.make(year: 2026, month: 11, day: d, hour: h, minute: m, second: s, micros: ms * 1000))
        }
        #expect(r.batch.rows == [
            ["a1", "view", t(25, 9, 59, 56, 865)],
            ["a2", "cli\nck", t(25, 9, 59, 57, 0)],
            ["a3", "view", t(25, 9, 59, 58, 123)],
            ["a4", "purchase", t(25, 9, 59, 59, 999)],
            ["a5", "view", t(26, 0, 0, 0, 0)],
        ])
        try expectSameReads(Array(text.utf8), schema: schema, mode: .permissive, corrupt: "_corrupt_record", "nested and escapes")
    }

    @Test func keysRepeatingInOrderAndNearMisses() throws {
        // Keys are first compared with the key at the same position in the previous line.
        let schema = Schema([Field("event_type", .string), Field("event_time", .string), Field("id", .int64)])
        let text = #"""
            {"event_type":"a","event_time":"t1","id":1}
            {"event_type":"b","event_time":"t2","id":2}
            {"event_typ":"x","event_time":"t3","id":3}
            {"event_types":"x","event_tim":"y","id":4}
            {"event_time":"t5","event_type":"e","id":5}
            {"event_type":"f","event_time":"t6","id":6}
            {"event_type\u0000":"x","event_time":"t7","id":7}
            {"event_type":"h","event_time":"t8","id":8}
            {"id":9,"event_type":"i"}
            {"event_type":"j","event_time":"t10","id":10,"event_type":"last wins"}
            """#
        let r = try JSONLinesReader(schema: schema, options: ReaderOptions(corruptRecordColumn: nil)).read(text: text)
        #expect(r.badRecords.isEmpty)
        #expect(r.batch.rows == [
            ["a", "t1", 1], ["b", "t2", 2], [nil, "t3", 3], [nil, nil, 4], ["e", "t5", 5], ["f", "t6", 6], [nil, "t7", 7],
            ["h", "t8", 8], ["i", nil, 9], ["last wins", "t10", 10],
        ])
        try expectSameReads(Array(text.utf8), schema: schema, mode: .permissive, corrupt: "_corrupt_record", "repeating keys")
    }

    @Test func malformedLinesInsideARunKeepTheirNumbersAndText() throws {
        let schema = Schema([Field("id", .int64), Field("name", .string)])
        let text = "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":\"x\",\"name\":\"c\"}\n{\"id\":4,\"name\":\"d\"}\r\n{\"id\":5,\"name\"}\n{\"id\":6,\"name\":\"f\"}\n"
        let r = try JSONLinesReader(schema: schema.setting(Field("_corrupt_record", .string))).read(text: text)
        #expect(r.batch.rows == [
            [1, "a", nil], [2, "b", nil], [nil, "c", "{\"id\":\"x\",\"name\":\"c\"}"], [4, "d", nil],
            [nil, nil, "{\"id\":5,\"name\"}"], [6, "f", nil],
        ])
        #expect(r.badRecords.map(\.line) == [3, 5])
        let failing = JSONLinesReader(schema: schema, options: ReaderOptions(mode: .failFast))
        let error = #expect(throws: ReadError.self) { try failing.read(text: text, path: "f.jsonl") }
        #expect(error == ReadError(path: "f.jsonl", line: 3, reason: #"field 'id': expected int64, found "x""#))
    }

    @Test func specialBytesFindTheFirstQuoteBackslashControlOrNonASCIIByte() {
        var g = Generator(state: 3)
        func isSpecial(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 }
        let interesting: [UInt8] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0x81, 0xA0, 0xC3, 0xFF]
        let special16 = JSONSpecialBytes16()
        for _ in 0..<200_000 {
            var bytes = [UInt8](repeating: 0, count: 16)
            for k in 0..<16 { bytes[k] = g.chance(30) ? g.pick(interesting) : UInt8(g.int(0x23..<0x5C)) }
            var w: UInt64 = 0
            for k in 0..<8 { w |= UInt64(bytes[k]) << UInt64(8 * k) }
            let m = JSONTokens.specialBytes(w)
            let first = bytes[0..<8].firstIndex(where: isSpecial)
            #expect((m == 0 ? nil : m.trailingZeroBitCount >> 3) == first, "\(bytes[0..<8])")
            let flags = bytes.withUnsafeBytes { special16.flags($0.baseAddress!, 0) }
            for k in 0..<16 {
                let flag = (flags[k / 8] >> UInt64(8 * (k % 8))) & 0xFF
                #expect(flag == (isSpecial(bytes[k]) ? 0xFF : 0), "\(bytes)")
            }
        }
    }

    @Test func fixedFormatTimestampsMatchTheGeneralParser() {
        var parser = TimestampParser()
        func check(_ text: String) {
            var copy = text
            let expected = Timestamps.parseISO8601(copy)
            let actual = copy.withUTF8 { parser.parse($0) }
            #expect(actual == expected, "\(text)")
        }
        for text in [
            "2026-11-25T09:59:56.865Z", "2024-02-29T23:59:60.999Z", "2023-02-29T00:00:00.000Z", "2024-13-01T00:00:00.000Z",
            "2024-00-10T00:00:00.000Z", "2024-04-31T00:00:00.000Z", "2024-04-30T24:00:00.000Z", "2024-04-30T23:60:00.000Z",
            "2024-04-30T23:59:61.000Z", "2024-04-30T23:59:59.000z", "2024-04-30T23:59:59,123Z", "2024-04-30 23:59:59.123Z",
            "2024-03-01T12:34:56+0100", "2024-03-01T12:34:56.123+", "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
            "2024-03-01T1a:34:56.123Z", "2024-03-01T12:34:56.12aZ", "2024-03-01T12:34:56.123ZZ", "2024-03-01T12:34:56.12Z",
            "2024-0a-01T12:34:56.123Z", "2024/03/01T12:34:56.123Z", "-024-03-01T12:34:56.123Z", "2024-03-01T12:34:56.1234Z",
        ] {
            check(text)
            check(text)  // again, with its date cached
        }
        // Cached dates: the same date with other times, then dates sharing all but one byte.
        var g = Generator(state: 11)
        func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        for _ in 0..<50_000 {
            let y = g.pick([1970, 2000, 2023, 2024, 2026]), mo = g.int(0..<14), d = g.int(0..<33)
            let h = g.int(0..<26), mi = g.int(0..<62), s = g.int(0..<62), ms = g.int(0..<1000)
            check("\(pad(y, 4))-\(pad(mo, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(ms, 3))Z")
        }
    }
}
