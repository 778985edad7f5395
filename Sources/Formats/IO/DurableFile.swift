#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file operations. Every durable write in the engine goes through here so the
/// rules (temp file, fsync, rename or link, fsync the directory) live in one place.
///
/// New files get the modes `FilePermissions.current` gives their `role`; the default,
/// `.restricted` (owner only), is the safe one for a caller that does not say.
public enum DurableFile {
    /// Writes `bytes` to `path` so that after a crash the file holds either the old content or
    /// all of the new: temp file, fsync, rename over `path`, fsync the directory.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], role: FileRole = .restricted) throws {
        let tmp = temporaryName(for: path)
        try writeNew(tmp, bytes, role: role)
        guard rename(tmp, path) == 0 else {
            let e = IOError("rename to", path)
            unlink(tmp)
            throw e
        }
        try syncDirectory(of: path)
    }

    /// Creates `path` with `bytes` only if it does not exist yet (put-if-absent), durably.
    /// Returns false if another writer created it first. Uses link(2), which never replaces.
    @discardableResult
    public static func createExclusively(_ path: String, _ bytes: [UInt8], role: FileRole = .restricted) throws -> Bool {
        let tmp = temporaryName(for: path)
        try writeNew(tmp, bytes, role: role)
        defer { unlink(tmp) }
        if link(tmp, path) != 0 {
            if errno == EEXIST { return false }
            throw IOError("link to", path)
        }
        try syncDirectory(of: path)
        return true
    }

    /// Replaces `path` atomically for running readers (temporary file, then rename) without
    /// forcing it to disk: after a power loss the file may be missing, empty or zero-filled.
    /// For files recovery never reads, such as progress records, where two fsyncs per batch
    /// would be wasted.
    public static func replaceWithoutSync(_ path: String, _ bytes: [UInt8], role: FileRole = .restricted) throws {
        let tmp = temporaryName(for: path)
        try writeNew(tmp, bytes, sync: false, role: role)
        guard rename(tmp, path) == 0 else {
            let e = IOError("rename to", path)
            unlink(tmp)
            throw e
        }
    }

    /// Writes a new file (which must not exist) and fsyncs it (unless `sync` is false).
    public static func writeNew(_ path: String, _ bytes: [UInt8], sync: Bool = true, role: FileRole = .restricted) throws {
        let modes = FilePermissions.current.modes(for: role)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(modes.file))
        guard fd >= 0 else { throw IOError("create", path) }
        defer { close(fd) }
        do { try modes.apply(toFile: fd, path: path) } catch {
            unlink(path)
            throw error
        }
        try bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    let e = IOError("write", path)
                    unlink(path)
                    throw e
                }
                done += n
            }
        }
        guard !sync || fsync(fd) == 0 else {
            let e = IOError("fsync", path)
            unlink(path)
            throw e
        }
    }

    /// fsyncs the directory holding `path`, so a rename or create in it survives a crash.
    public static func syncDirectory(of path: String) throws {
        try syncDirectory(FilePaths.parent(path))
    }

    public static func syncDirectory(_ dir: String) throws {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError("open directory", dir) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw IOError("fsync directory", dir) }
    }

    /// A hidden, unique temporary name next to `path` (`.name.<pid>.<random>.tmp`).
    public static func temporaryName(for path: String) -> String {
        let dir = FilePaths.parent(path), name = FilePaths.lastComponent(path)
        return FilePaths.join(dir, ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    }
}
