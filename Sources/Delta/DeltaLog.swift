#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Formats

/// The files of `_delta_log`: commit names, listing, reading, and put-if-absent commits, in
/// whatever storage holds the table (local, or an object store such as S3, see `Storage`).
public struct DeltaLog: Sendable {
    /// The table root.
    public let tablePath: String
    public let logPath: String
    let storage: any ObjectStorage

    public init(tablePath: String) {
        self.tablePath = tablePath
        self.logPath = FilePaths.join(tablePath, "_delta_log")
        self.storage = Storage.at(tablePath)
    }

    /// `%020d`.
    static func versionName(_ v: Int64) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, 20 - s.count)) + s
    }

    public func commitPath(_ v: Int64) -> String { FilePaths.join(logPath, Self.versionName(v) + ".json") }
    public func checkpointPath(_ v: Int64) -> String { FilePaths.join(logPath, Self.versionName(v) + ".checkpoint.parquet") }
    var lastCheckpointPath: String { FilePaths.join(logPath, "_last_checkpoint") }

    /// What a listing of `_delta_log` found.
    struct Listing {
        var commits: [Int64] = []
        /// Versions with a single-file (classic V1) checkpoint.
        var checkpoints: [Int64] = []
    }

    /// Lists commit and checkpoint versions, sorted. Unknown names (multi-part or V2
    /// checkpoints, CRC files, temporary files) are ignored. With `from`, only versions at or
    /// after it are listed (on S3 a listing that starts after the key before them, so the
    /// request does not grow with the log).
    func list(from: Int64? = nil) throws -> Listing {
        var l = Listing()
        // Names of version v start with its 20 digits, which sort before any longer name with
        // that prefix; the commit and checkpoint of v come after them.
        let names = try storage.list(logPath, startAfter: from.map { Self.versionName($0) })
        for name in names {
            guard name.utf8.count >= 25, let v = Int64(name.prefix(20)), name.utf8.first != UInt8(ascii: ".") else { continue }
            let rest = name.dropFirst(20)
            if rest == ".json" { l.commits.append(v) } else if rest == ".checkpoint.parquet" { l.checkpoints.append(v) }
        }
        l.commits.sort()
        l.checkpoints.sort()
        return l
    }

    /// The actions of commit `v`, or nil if the commit does not exist.
    func readCommit(_ v: Int64) throws -> [DeltaAction]? {
        let path = commitPath(v)
        guard let bytes = try storage.readIfPresent(path) else { return nil }
        return try DeltaAction.parseCommit(String(decoding: bytes, as: UTF8.self), file: path)
    }

    /// Writes commit `v` if no commit `v` exists: temp file, fsync, link(2) (which never
    /// replaces), fsync of `_delta_log`; on S3 a PUT with `If-None-Match: *`. Returns false
    /// when another writer won the version.
    func write(_ v: Int64, _ actions: [DeltaAction]) throws -> Bool {
        let body = actions.map(\.json).joined(separator: "\n") + "\n"
        try storage.createDirectory(logPath, role: .table)
        do {
            return try storage.createExclusively(commitPath(v), Array(body.utf8), role: .table)
        } catch let e as IOError where e.operation.hasPrefix("link") {
            throw DeltaError.invalidArgument(
                "\(tablePath): the filesystem does not support hard links (\(e)); Delta commits need an atomic put-if-absent, so this location cannot hold a table")
        }
    }

    /// `_last_checkpoint`'s version, if the file exists and parses.
    func lastCheckpointVersion() -> Int64? {
        guard let bytes = try? storage.read(lastCheckpointPath),
            let obj = JSONObject.parse(String(decoding: bytes, as: UTF8.self))
        else { return nil }
        return obj.int("version")
    }

    /// Deletes temporary files left in `_delta_log` by crashed writers (older than
    /// `olderThanMillis`, so a live writer's in-flight temp file is never touched).
    package func removeStaleTemporaryFiles(olderThanMillis: Int64, now: Int64) {
        // Object stores have no temporary files (a PUT is atomic), and listing there costs.
        guard storage.isLocal, let names = try? FileSystem.list(logPath) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let p = FilePaths.join(logPath, name)
            if let a = try? FileSystem.attributes(p), now - a.modifiedMillis > olderThanMillis { try? FileSystem.remove(p) }
        }
    }
}

/// Milliseconds since the Unix epoch.
package func currentTimeMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}
