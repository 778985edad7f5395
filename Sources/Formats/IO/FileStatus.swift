#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat(2)` says about a path: enough to walk a tree safely (kind, identity) and to
/// notice that a file changed (size, modification time).
public struct FileStatus: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case file, directory, symbolicLink, other }

    /// The same file (or directory) reached through several paths has one identity.
    public struct Identity: Sendable, Hashable {
        public var device: UInt64
        public var inode: UInt64
    }

    public var kind: Kind
    public var identity: Identity
    public var size: Int64
    public var modifiedMillis: Int64
}

extension FileSystem {
    /// The status of `path`; with `followLinks` false a symbolic link is described itself
    /// (`lstat`), otherwise its target is. nil when the path (or a link's target) does not exist.
    public static func status(_ path: String, followLinks: Bool) -> FileStatus? {
        var st = stat()
        guard (followLinks ? stat(path, &st) : lstat(path, &st)) == 0 else { return nil }
        let kind: FileStatus.Kind
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        return FileStatus(
            kind: kind, identity: .init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)), size: Int64(st.st_size),
            modifiedMillis: Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000)
    }

    /// The canonical absolute path of `path` with every symbolic link resolved (`realpath(3)`);
    /// nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
