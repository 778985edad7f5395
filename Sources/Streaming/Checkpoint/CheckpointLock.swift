import Formats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive hold on a checkpoint, so only one query at a time runs on it.
///
/// Uses `flock` on `lock`: the kernel drops the lock when the holder dies, so a lock file left by a
/// dead process is taken over without guessing from pids; the file's text (pid and host of the
/// holder) is only there to make the error message useful.
final class CheckpointLock: Sendable {
    private let fd: Int32
    let path: String

    init(_ layout: CheckpointLayout) throws {
        try FileSystem.createDirectory(layout.root)
        path = layout.lock
        let fd = try FileSystem.openCreating(path)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? FileSystem.readString(path))?.split(separator: "\n").first.map(String.init) ?? ""
            close(fd)
            throw CheckpointError.locked(path: layout.root, holder: holder.isEmpty ? "unknown holder" : holder)
        }
        self.fd = fd
        var host = [UInt8](repeating: 0, count: 256)
        _ = host.withUnsafeMutableBufferPointer { p in p.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count) } }
        let text = "pid \(getpid()) on \(String(decoding: host.prefix(while: { $0 != 0 }), as: UTF8.self))\n"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Releases the lock (also released by the kernel if the process dies).
    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

