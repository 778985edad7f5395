#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The contents of a compiled IANA time zone file (TZif, RFC 8536): UTC transition instants,
/// the local time type in effect after each, and the POSIX TZ string for instants past the
/// last transition. Only the 64-bit (version 2+) data block is used.
struct TZifFile {
    struct LocalTimeType: Equatable {
        /// Seconds east of UTC.
        var utcOffset: Int32
        var isDST: Bool
        var abbreviation: String
    }

    /// UTC seconds of each transition, ascending.
    var transitions: [Int64] = []
    /// Index into `types` of the local time type in effect from each transition on.
    var transitionTypes: [Int] = []
    var types: [LocalTimeType] = []
    /// The footer (`PST8PDT,M3.2.0,M11.1.0`), empty when the file has none.
    var footer = ""

    /// Reads the file at `path`; nil if it cannot be opened.
    static func read(path: String) throws -> TZifFile? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            // Real zone files are a few KB; anything far larger is not one.
            if bytes.count > 4 << 20 { throw ColumnarError.invalidArgument("\(path) is not a time zone file (too large)") }
        }
        return try parse(bytes, name: path)
    }

    static func parse(_ b: [UInt8], name: String) throws -> TZifFile {
        func bad(_ why: String) -> ColumnarError { .invalidArgument("\(name) is not a valid TZif time zone file: \(why)") }
        var pos = 0
        func need(_ n: Int) throws { if pos + n > b.count { throw bad("truncated") } }
        func u32() throws -> Int {
            try need(4)
            defer { pos += 4 }
            return Int(b[pos]) << 24 | Int(b[pos + 1]) << 16 | Int(b[pos + 2]) << 8 | Int(b[pos + 3])
        }
        func i32() throws -> Int32 { Int32(truncatingIfNeeded: try u32()) }
        func i64() throws -> Int64 {
            try need(8)
            var v: UInt64 = 0
            for i in 0..<8 { v = v << 8 | UInt64(b[pos + i]) }
            pos += 8
            return Int64(bitPattern: v)
        }
        struct Header { var isut = 0, isstd = 0, leap = 0, time = 0, type = 0, char = 0, version: UInt8 = 0 }
        func header() throws -> Header {
            try need(44)
            guard b[pos] == 0x54, b[pos + 1] == 0x5A, b[pos + 2] == 0x69, b[pos + 3] == 0x66 else { throw bad("no TZif magic") }
            var h = Header()
            h.version = b[pos + 4]
            pos += 20
            h.isut = try u32(); h.isstd = try u32(); h.leap = try u32()
            h.time = try u32(); h.type = try u32(); h.char = try u32()
            guard h.type > 0, h.time < 100_000, h.type < 256, h.char < 100_000, h.leap < 100_000 else { throw bad("implausible counts") }
            return h
        }
        let v1 = try header()
        guard v1.version >= UInt8(ascii: "2") else {
            throw bad("version 1 files (32-bit only) are not supported")
        }
        // Skip the version 1 data block.
        pos += v1.time * 5 + v1.type * 6 + v1.char + v1.leap * 8 + v1.isstd + v1.isut
        let h = try header()
        var out = TZifFile()
        for _ in 0..<h.time { out.transitions.append(try i64()) }
        try need(h.time)
        for i in 0..<h.time {
            let t = Int(b[pos + i])
            guard t < h.type else { throw bad("transition type index out of range") }
            out.transitionTypes.append(t)
        }
        pos += h.time
        var raw: [(Int32, Bool, Int)] = []
        for _ in 0..<h.type {
            let off = try i32()
            try need(2)
            raw.append((off, b[pos] != 0, Int(b[pos + 1])))
            pos += 2
        }
        try need(h.char)
        let chars = Array(b[pos..<pos + h.char])
        pos += h.char
        for (off, dst, idx) in raw {
            guard idx < max(chars.count, 1) else { throw bad("abbreviation index out of range") }
            let end = chars[idx...].firstIndex(of: 0) ?? chars.count
            out.types.append(LocalTimeType(utcOffset: off, isDST: dst, abbreviation: String(decoding: chars[idx..<end], as: UTF8.self)))
        }
        pos += h.leap * 12 + h.isstd + h.isut
        if pos < b.count, b[pos] == 0x0A, let end = b[(pos + 1)...].firstIndex(of: 0x0A) {
            out.footer = String(decoding: b[(pos + 1)..<end], as: UTF8.self)
        }
        return out
    }
}
