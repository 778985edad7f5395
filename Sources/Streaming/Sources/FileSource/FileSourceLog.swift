import Foundation
import Formats
import Operators

/// The file source's log (`sources/<i>/` in the checkpoint): which files each log entry took.
///
/// Entry `n` is the file `<n>` (`v1`, one JSON line per file, a checksum line; the format of
/// `BatchLog`), except every tenth entry (`n` = 9, 19, …), which is written as `<n>.compact`
/// holding every file the log still remembers, entry `n`'s included, as Spark's
/// CompactibleFileStreamLog does. Once the compact file is durable, the entries and compact
/// files before it are deleted; a crash between the two leaves files that loading ignores
/// (everything at or below the newest compact file is in it) and deletes. So a restart reads
/// one compact file and at most nine entries, however long the query ran. Which files the
/// compact file leaves out (forgotten files) is the caller's decision.
///
/// The compact format is one line per file, `<entry>\t<size>\t<modifiedMillis>\t<path>` with
/// `\` and newline in the path escaped as `\\` and `\n`, because a restart parses it whole and
/// a JSON decoder is about twenty times slower.
///
/// `partitions` holds the partition columns the source has fixed (`PartitionColumns`).
///
/// In an object store (a checkpoint on S3) entries and compact files are created put-if-absent,
/// as `offsets/` is (see `BatchLog`), so a second query on the checkpoint cannot replace an
/// entry the first one's offsets point at.
struct FileSourceLog: Sendable {
    let directory: String
    private let entries: BatchLog
    static let compactInterval: Int64 = 10

    init(directory: String) throws {
        self.directory = directory
        entries = try BatchLog(directory: directory)
    }

    /// Whether entry `id` is written as a compact file.
    static func isCompaction(_ id: Int64) -> Bool { (id + 1) % compactInterval == 0 }

    private var storage: any ObjectStorage { entries.storage }

    func compactPath(_ id: Int64) -> String { FilePaths.join(directory, "\(id).compact") }
    var partitionsPath: String { FilePaths.join(directory, "partitions") }

    // MARK: - Reading

    /// Loads the newest compact file plus the entries after it into `seen` (files the compact
    /// file supersedes are ignored). Returns the last entry id, -1 if there is none.
    ///
    /// A reader beside the running query (a replay) can see a file vanish: a compaction deleted
    /// what it listed. Then it loads again, from the newer compact file.
    func load(into seen: inout SeenFiles) throws -> Int64 {
        for _ in 0..<9 {
            var attempt = SeenFiles()
            guard let lastId = try loadOnce(into: &attempt) else { continue }
            seen = attempt
            return lastId
        }
        throw CheckpointError.damaged(path: directory, reason: "its files kept vanishing while it was read")
    }

    /// nil if a listed file vanished before it was read.
    private func loadOnce(into seen: inout SeenFiles) throws -> Int64? {
        let (compacts, plain) = try names()
        var lastId: Int64 = -1
        if let c = compacts.last {
            let path = compactPath(c)
            let bytes: [UInt8]
            do { bytes = try storage.read(path) } catch let e as IOError where e.isNotFound { return nil }
            let body = try Self.unsealed(bytes, path: path)
            try body.withUnsafeBufferPointer { try Self.parseCompact($0, path: path, into: &seen) }
            lastId = c
        }
        for id in plain where id > lastId {
            guard id == lastId + 1 else {
                throw CheckpointError.damaged(path: entries.path(lastId + 1), reason: "the file source log has entry \(id) but not entry \(lastId + 1)")
            }
            guard let lines = try entries.read(id) else { return nil }
            seen.append(try Self.decodeEntry(lines, path: entries.path(id)), logId: id, listing: 0)
            lastId = id
        }
        return lastId
    }

    /// The files of entries 0 through `id`, in log order (files the log has forgotten excluded).
    func files(through id: Int64) throws -> [ListedFile] {
        var seen = SeenFiles()
        _ = try load(into: &seen)
        return seen.files(after: -1, through: id)
    }

    /// Deletes entries and compact files that the newest compact file supersedes (left behind by
    /// a crash between writing a compact file and deleting what it replaces), and temporary
    /// files of writes a crash interrupted. Only for the query holding the checkpoint's lock.
    func removeSuperseded() throws {
        for name in try storage.list(directory) where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try storage.remove(FilePaths.join(directory, name))
        }
        let (compacts, plain) = try names()
        guard let c = compacts.last else { return }
        try removeSuperseded(by: c, compacts: compacts, plain: plain)
    }

    private func removeSuperseded(by c: Int64, compacts: [Int64], plain: [Int64]) throws {
        for id in plain where id <= c { try storage.remove(entries.path(id)) }
        for id in compacts where id < c { try storage.remove(compactPath(id)) }
    }

    /// Compact and plain entry ids present, each ascending.
    private func names() throws -> (compacts: [Int64], plain: [Int64]) {
        var compacts: [Int64] = [], plain: [Int64] = []
        for name in try storage.list(directory) {
            if let id = Int64(name) {
                plain.append(id)
            } else if name.hasSuffix(".compact"), let id = Int64(name.dropLast(".compact".count)) {
                compacts.append(id)
            }
        }
        return (compacts.sorted(), plain.sorted())
    }

    // MARK: - Writing

    /// Writes entry `id` as a plain entry of `files`.
    func write(_ id: Int64, files: [ListedFile]) throws {
        let encoder = JSONEncoder.sorted
        try entries.write(id, lines: try files.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
    }

    /// Writes entry `id` as a compact file holding every file `seen` remembers plus `taken`
    /// (the entry's own files), then deletes what it supersedes.
    func writeCompact(_ id: Int64, remembered seen: SeenFiles, taken: [ListedFile]) throws {
        var body = Array("\(Self.header)\n".utf8)
        body.reserveCapacity((seen.count + taken.count) * 64)
        func line(_ logId: Int64, _ size: Int64, _ modified: Int64, _ path: UnsafeBufferPointer<UInt8>) {
            for n in [logId, size, modified] {
                Self.appendDecimal(n, to: &body)
                body.append(9)
            }
            Self.appendEscaped(path, to: &body)
            body.append(10)
        }
        seen.forEach(line)
        for f in taken {
            var path = f.path
            path.withUTF8 { line(id, f.size, f.modifiedMillis, $0) }
        }
        if storage.isLocal {
            try storage.writeAtomically(compactPath(id), Self.sealed(body), role: .restricted)
        } else {
            try BatchLog.createFenced(compactPath(id), Self.sealed(body), storage: storage)
        }
        let (compacts, plain) = try names()
        try removeSuperseded(by: id, compacts: compacts, plain: plain)
    }

    func readPartitions() throws -> PartitionColumns? {
        let path = partitionsPath
        let bytes: [UInt8]
        do { bytes = try storage.read(path) } catch let e as IOError where e.isNotFound { return nil }
        let body = try Self.unsealed(bytes, path: path)
        guard let columns = try? JSONDecoder().decode(PartitionColumns.self, from: Data(body.dropFirst(Self.header.utf8.count + 1))) else {
            throw CheckpointError.damaged(path: path, reason: "not a partition column list")
        }
        return columns
    }

    func writePartitions(_ columns: PartitionColumns) throws {
        let json = try JSONEncoder.sorted.encode(columns)
        try storage.writeAtomically(partitionsPath, Self.sealed(Array("\(Self.header)\n".utf8) + Array(json) + [10]), role: .restricted)
    }

    // MARK: - Formats

    private static let header = "v1"
    private static let checksumPrefix = Array("#xxh64:".utf8)

    static func decodeEntry(_ lines: [String], path: String) throws -> [ListedFile] {
        let decoder = JSONDecoder()
        return try lines.map { line in
            guard let f = try? decoder.decode(ListedFile.self, from: Data(line.utf8)) else {
                throw CheckpointError.damaged(path: path, reason: "line '\(line.prefix(80))' is not a file entry")
            }
            return f
        }
    }

    /// Parses the lines after the header of a compact file into `seen`.
    private static func parseCompact(_ b: UnsafeBufferPointer<UInt8>, path: String, into seen: inout SeenFiles) throws {
        seen.reserve(files: b.count / 48, pathBytes: b.count / 2)
        var i = header.utf8.count + 1
        var line = 2
        func damaged() -> CheckpointError { .damaged(path: path, reason: "line \(line) is not '<entry>\\t<size>\\t<modified>\\t<path>'") }
        func number() throws -> Int64 {
            var value: Int64 = 0, digits = 0, negative = false
            if i < b.count && b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            while i < b.count, b[i] >= 48, b[i] <= 57, digits < 19 {
                value = value * 10 + Int64(b[i] - 48)
                i += 1
                digits += 1
            }
            guard digits > 0, i < b.count, b[i] == 9 else { throw damaged() }
            i += 1
            return negative ? -value : value
        }
        var unescaped: [UInt8] = []
        while i < b.count {
            let logId = try number(), size = try number(), modified = try number()
            var end = i
            var escaped = false
            while end < b.count && b[end] != 10 {
                if b[end] == UInt8(ascii: "\\") { escaped = true }
                end += 1
            }
            guard end < b.count, end > i else { throw damaged() }
            let raw = UnsafeBufferPointer(rebasing: b[i..<end])
            if escaped {
                guard unescape(raw, into: &unescaped) else { throw damaged() }
                unescaped.withUnsafeBufferPointer { seen.add(logId: logId, size: size, modifiedMillis: modified, path: $0) }
            } else {
                seen.add(logId: logId, size: size, modifiedMillis: modified, path: raw)
            }
            i = end + 1
            line += 1
        }
    }

    private static func appendDecimal(_ n: Int64, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        let start = out.count
        var m = n.magnitude
        repeat {
            out.append(UInt8(48 + m % 10))
            m /= 10
        } while m > 0
        out[start...].reverse()
    }

    private static func appendEscaped(_ path: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for c in path {
            switch c {
            case UInt8(ascii: "\\"): out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            default: out.append(c)
            }
        }
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8]) -> Bool {
        bytes.removeAll(keepingCapacity: true)
        var k = 0
        while k < raw.count {
            if raw[k] == 92 {
                guard k + 1 < raw.count else { return false }
                switch raw[k + 1] {
                case 92: bytes.append(92)
                case UInt8(ascii: "n"): bytes.append(10)
                default: return false
                }
                k += 2
            } else {
                bytes.append(raw[k])
                k += 1
            }
        }
        return true
    }

    /// `body` (which starts with the header line) followed by its checksum line.
    private static func sealed(_ body: [UInt8]) -> [UInt8] {
        body + checksumPrefix + Array(hex(StableHash.xxHash64(body)).utf8) + [10]
    }

    /// The body of a sealed file, after checking its checksum and header.
    private static func unsealed(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        guard bytes.last == 10 else { throw CheckpointError.damaged(path: path, reason: "truncated: no final newline") }
        let lastLineStart = (bytes.dropLast().lastIndex(of: 10) ?? -1) + 1
        let last = bytes[lastLineStart..<(bytes.count - 1)]
        guard last.starts(with: checksumPrefix) else {
            throw CheckpointError.damaged(path: path, reason: "truncated: the checksum line is missing")
        }
        let body = Array(bytes[..<lastLineStart])
        guard String(decoding: last.dropFirst(checksumPrefix.count), as: UTF8.self) == hex(StableHash.xxHash64(body)) else {
            throw CheckpointError.damaged(path: path, reason: "checksum mismatch: the content changed after it was written")
        }
        guard body.starts(with: Array("\(header)\n".utf8)) else {
            throw CheckpointError.damaged(path: path, reason: "the first line is not '\(header)'")
        }
        return body
    }

    private static func hex(_ h: UInt64) -> String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
