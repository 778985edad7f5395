import Columnar
@testable import Formats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A unique scratch directory under /tmp, removed by `remove()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = "/tmp/sluice-readers-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.createDirectory(path)
    }

    func file(_ name: String) -> String { FilePaths.join(path, name) }

    /// Writes `bytes` to `name`, zstd-compressing them first if the name ends in `.zst`.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try DurableFile.writeAtomically(p, name.hasSuffix(".zst") ? try Zstd.compress(bytes) : bytes)
        return p
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    func remove() { try? FileSystem.removeTree(path) }
}

extension RecordFileReader {
    func read(text: String, path: String = "mem") throws -> FileReadResult {
        try read(bytes: Array(text.utf8), path: path)
    }

    func read(bytes: [UInt8], path: String = "mem") throws -> FileReadResult {
        try bytes.withUnsafeBytes { try read(bytes: $0, path: path) }
    }
}

/// The lines `LineReader` delivers, as strings, with overlong lines shown as `!<prefix>`.
func collectLines(_ reader: LineReader, bytes: [UInt8]) -> (lines: [(Int, String)], stats: LineStats) {
    var out: [(Int, String)] = []
    let stats = bytes.withUnsafeBytes { raw in
        reader.forEachLine(bytes: raw) { event in
            switch event {
            case .line(let b, let n): out.append((n, String(decoding: b, as: UTF8.self)))
            case .overlong(let p, let n): out.append((n, "!" + String(decoding: p, as: UTF8.self)))
            }
        }
    }
    return (out, stats)
}

func ts(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, micros: Int = 0) -> Value {
    .timestamp(Timestamps.make(year: y, month: mo, day: d, hour: h, minute: mi, second: s, micros: micros))
}

func date(_ y: Int, _ mo: Int, _ d: Int) -> Value { .date(Int32(Dates.days(year: y, month: mo, day: d))) }
