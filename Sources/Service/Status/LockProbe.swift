import Foundation
import Streaming

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells whether a query runs on a checkpoint: a running query holds `flock` on `lock`.
enum LockProbe {
    /// The holder's text (`pid … on host`) when the lock is held, nil when it is free.
    static func holder(of checkpoint: String) -> String? {
        let path = CheckpointLayout(root: checkpoint).lock
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard isHeld(path) else { return nil }
        let text = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? ""
        return text.isEmpty ? "unknown holder" : text
    }

    static func isHeld(_ path: String) -> Bool {
        #if os(Linux)
        // /proc/locks lists every flock with its file's device and inode: reading it never
        // takes the lock, so a query starting at this moment cannot be turned away.
        if let held = heldPerProcLocks(path) { return held }
        #endif
        // Elsewhere: try a shared lock and let go at once.
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    #if os(Linux)
    private static func heldPerProcLocks(_ path: String) -> Bool? {
        var st = stat()
        guard stat(path, &st) == 0, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let dev = UInt64(st.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        let want = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(st.st_ino))
        // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (lines for blocked waiters have "->").
        return text.split(separator: "\n").contains { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            return f.count >= 6 && f[1] == "FLOCK" && f[2] != "->" && f[5] == want
        }
    }
    #endif
}
