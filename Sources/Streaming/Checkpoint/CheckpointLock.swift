import Formats
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive hold on a checkpoint, so only one query at a time runs on it.
///
/// Locally it is `flock` on `lock`: the kernel drops the lock when the holder dies, so a lock
/// file left by a dead process is taken over without guessing from pids; the file's text (pid
/// and host of the holder) is only there to make the error message useful.
///
/// An object store has no locks, and a lease would have to expire before a crashed query could
/// restart. There `lock` is only a note of the last run to start (pid, host, time), and the
/// exclusion comes from the checkpoint's logs: `offsets/N`, `commits/N` and the file source's
/// entries are created put-if-absent, so of two queries on one checkpoint the second to write
/// an entry stops with `CheckpointError.fenced`, naming the note, before it reads any data.
final class CheckpointLock: Sendable {
    private let fd: Int32
    let path: String

    init(_ layout: CheckpointLayout) throws {
        let storage = Storage.at(layout.root)
        path = layout.lock
        if !storage.isLocal {
            try storage.writeAtomically(path, Array("\(Self.describeThisProcess()) since \(Date())\n".utf8), role: .restricted)
            fd = -1
            return
        }
        try FileSystem.createDirectory(layout.root)
        let fd = try FileSystem.openCreating(path)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? FileSystem.readString(path))?.split(separator: "\n").first.map(String.init) ?? ""
            close(fd)
            throw CheckpointError.locked(path: layout.root, holder: holder.isEmpty ? "unknown holder" : holder)
        }
        self.fd = fd
        let text = "\(Self.describeThisProcess())\n"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Releases the lock (also released by the kernel if the process dies).
    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// `pid <n> on <host>`.
    static func describeThisProcess() -> String {
        var host = [UInt8](repeating: 0, count: 256)
        _ = host.withUnsafeMutableBufferPointer { p in p.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count) } }
        return "pid \(getpid()) on \(String(decoding: host.prefix(while: { $0 != 0 }), as: UTF8.self))"
    }

    /// What the `lock` note of the checkpoint holding `file` says (for messages). `file` lies in
    /// `offsets/`, `commits/` or `sources/<i>/`.
    static func holder(ofCheckpointContaining file: String) -> String {
        var dir = FilePaths.parent(file)
        if FilePaths.lastComponent(FilePaths.parent(dir)) == "sources" { dir = FilePaths.parent(FilePaths.parent(dir)) } else { dir = FilePaths.parent(dir) }
        let lock = FilePaths.join(dir, "lock")
        guard let bytes = try? Storage.at(lock).readIfPresent(lock), let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first else {
            return "no lock note found"
        }
        return "the last run to start on it: \(line)"
    }
}
