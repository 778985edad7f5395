import Foundation
import Testing

@testable import Streaming

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The modes of everything the engine creates, checked with stat: checkpoints and bad records
/// owner-only, tables as before (0644 / 0755 under the umask), and `FilePermissions.current`
/// reaching every creation site. Serialized because the setting is process-wide; no other
/// suite changes it or looks at modes.
@Suite(.serialized) struct FilePermissionsTests {
    /// The permission bits of `path` (not following a symlink).
    static func mode(_ path: String) -> UInt32 {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0xFFFF_FFFF }
        return UInt32(st.st_mode) & 0o7777
    }

    /// Every file and directory under `root` (itself included) with its mode, by relative path.
    static func tree(_ root: String) throws -> [(path: String, isDirectory: Bool, mode: UInt32)] {
        var out: [(String, Bool, UInt32)] = [(".", true, mode(root))]
        func walk(_ relative: String) throws {
            let dir = relative.isEmpty ? root : FilePaths.join(root, relative)
            for name in try FileSystem.list(dir).sorted() {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let full = FilePaths.join(root, rel)
                let isDir = FileSystem.isDirectory(full)
                out.append((rel, isDir, mode(full)))
                if isDir { try walk(rel) }
            }
        }
        try walk("")
        return out
    }

    /// The process umask, read without changing it (umask(2) would race with other tests): the
    /// bits a plain mkdir with 0777 loses.
    static func umaskBits(in dir: TempDir) throws -> UInt32 {
        let probe = dir.sub("umask-probe")
        guard mkdir(probe, 0o777) == 0 else { throw IOError("mkdir", probe) }
        defer { rmdir(probe) }
        return 0o777 & ~mode(probe)
    }

    /// Expects every entry of `root` to have `file` or `directory` mode; returns how many were checked.
    @discardableResult
    static func expectModes(_ root: String, file: UInt32, directory: UInt32, _ note: String) throws -> Int {
        let entries = try tree(root)
        for e in entries {
            let want = e.isDirectory ? directory : file
            #expect(e.mode == want, "\(note): \(e.path) has \(String(e.mode, radix: 8)), expected \(String(want, radix: 8))")
        }
        return entries.count
    }

    /// A query that creates every kind of file: checkpoint logs, source log, state (dedup),
    /// progress, lock, bad records and a partitioned Delta table.
    static func runQuery(_ dir: TempDir) throws {
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<5)
        try DurableFile.writeNew(dir.sub("in", "b.jsonl"), Array("{\"id\":9,\"ts\":\"2026-11-25T10:00:00Z\"}\n{broken\n".utf8))
        let q = try StreamingSession().readStream.schema(eventSchema).option(.badRecordsPath(dir.sub("bad", "records")))
            .load(dir.sub("in"))
            .dropDuplicates("id")
            .withColumn("date", toDate(col("ts")))
            .writeStream.format(.delta(dir.sub("tables", "t"), partitionBy: ["date"]))
            .checkpointLocation(dir.sub("checkpoints", "q")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(FileSystem.exists(dir.sub("bad", "records", "batch=0", "b.jsonl.json")))
        #expect(FileSystem.exists(dir.sub("checkpoints", "q", "state")))
    }

    @Test func checkpointsAndBadRecordsAreOwnerOnlyAndTablesAsBefore() throws {
        #expect(FilePermissions.current == .standard)
        let dir = TempDir()
        let mask = try Self.umaskBits(in: dir)
        try Self.runQuery(dir)
        // Parents created on the way (`checkpoints/`, `bad/`, `tables/`) get their role's modes too.
        let checked = try Self.expectModes(dir.sub("checkpoints"), file: 0o600, directory: 0o700, "checkpoint")
        #expect(checked > 15)
        try Self.expectModes(dir.sub("bad"), file: 0o600, directory: 0o700, "bad records")
        let tableEntries = try Self.expectModes(dir.sub("tables"), file: 0o644 & ~mask, directory: 0o755 & ~mask, "table")
        #expect(tableEntries >= 6)  // tables, t, _delta_log, a commit, a partition directory, a data file
    }

    @Test func oneSettingReachesEveryCreationSite() throws {
        FilePermissions.current = .group
        defer { FilePermissions.current = .standard }
        let dir = TempDir()
        try Self.runQuery(dir)
        for sub in ["checkpoints", "bad", "tables"] {
            try Self.expectModes(dir.sub(sub), file: 0o640, directory: 0o750, sub)
        }
    }

    @Test func ownerOnlyCoversTables() throws {
        FilePermissions.current = .ownerOnly
        defer { FilePermissions.current = .standard }
        let dir = TempDir()
        try Self.runQuery(dir)
        try Self.expectModes(dir.sub("tables"), file: 0o600, directory: 0o700, "table")
    }

    /// Set modes are exact: a group-writable setting survives a umask that clears group write
    /// (022, the usual one), because the engine sets the bits after creating.
    @Test func explicitModesAreSetExactlyByEveryCreateFunction() throws {
        FilePermissions.current = FilePermissions(all: FileModes(file: 0o660, directory: 0o770))
        defer { FilePermissions.current = .standard }
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("a", "b", "c"))
        try DurableFile.writeAtomically(dir.sub("a", "atomic"), [1])
        try DurableFile.createExclusively(dir.sub("a", "exclusive"), [1], role: .table)
        try DurableFile.replaceWithoutSync(dir.sub("a", "b", "unsynced"), [1])
        try DurableFile.writeNew(dir.sub("a", "b", "new"), [1])
        close(try FileSystem.openCreating(dir.sub("a", "b", "c", "opened")))
        try BadRecordsWriter.write([BadRecord(path: "p", line: 1, reason: "r", text: "t")], to: dir.sub("a", "bad", "x.json"))
        #expect(try Self.expectModes(dir.sub("a"), file: 0o660, directory: 0o770, "explicit") == 10)
    }

    /// What exists keeps its mode: the setting applies to what the engine creates.
    @Test func existingFilesAndDirectoriesKeepTheirModes() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("shared"), role: .table)
        chmod(dir.sub("shared"), 0o755)
        _ = FileManager.default.createFile(atPath: dir.sub("shared", "lock"), contents: Data(), attributes: [.posixPermissions: 0o644])
        try FileSystem.createDirectory(dir.sub("shared"))
        close(try FileSystem.openCreating(dir.sub("shared", "lock")))
        #expect(Self.mode(dir.sub("shared")) == 0o755)
        #expect(Self.mode(dir.sub("shared", "lock")) == 0o644)
    }
}
