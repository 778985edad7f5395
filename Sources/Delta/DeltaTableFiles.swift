#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Formats

/// The files under a table's directory, listed and deleted without ever following a symbolic
/// link: every directory is opened relative to its parent's descriptor with `O_NOFOLLOW`, every
/// entry is examined with `fstatat(AT_SYMLINK_NOFOLLOW)`, and files are removed with `unlinkat`
/// in a directory opened the same way. A link (to a file or a directory, inside the table or
/// not) is reported and left alone, so nothing outside the table root can be reached, even if
/// a directory is swapped for a link while vacuum runs.
///
/// A table in an object store has neither links nor directories: its files are the keys under
/// the table's prefix, listed in one paged listing (`DeltaTableFiles+ObjectStore.swift`).
struct DeltaTableFiles {
    /// The table root with symbolic links resolved (the root itself may be reached through one:
    /// it is what the caller named).
    let root: String
    /// The object store holding the table; nil for a local table.
    let objectStore: (any ObjectStorage)?

    /// A regular file found under the root.
    struct Entry: Sendable, Equatable {
        /// Relative to the root, `/`-separated, not encoded.
        let path: String
        let size: Int64
        let modifiedMillis: Int64
        let device: UInt64
        let inode: UInt64
    }

    init(tablePath: String) throws {
        let storage = Storage.at(tablePath)
        if !storage.isLocal {
            root = tablePath
            objectStore = storage
            return
        }
        guard let resolved = DeltaPaths.resolvedPath(tablePath) else { throw IOError("realpath", tablePath) }
        root = resolved
        objectStore = nil
    }

    /// Lists regular files under the root, depth-first in name order.
    ///
    /// - Parameters:
    ///   - descendInto: whether to list a directory, given its name and relative path.
    ///   - links: receives the relative path of every symbolic link met (not followed).
    func regularFiles(descendInto: (_ name: String, _ path: String) -> Bool, links: inout [String]) throws -> [Entry] {
        if let objectStore { return try objectStoreFiles(objectStore, descendInto: descendInto) }
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError("open directory", root) }
        defer { close(fd) }
        var out: [Entry] = []
        try walk(fd, relative: "", descendInto: descendInto, links: &links, into: &out)
        return out
    }

    private func walk(
        _ dirFd: Int32, relative: String, descendInto: (String, String) -> Bool, links: inout [String], into out: inout [Entry]
    ) throws {
        for name in try names(dirFd, relative: relative).sorted() {
            let rel = relative.isEmpty ? name : relative + "/" + name
            guard let st = statNoFollow(dirFd, name) else { continue }  // gone meanwhile
            switch st.st_mode & S_IFMT {
            case S_IFLNK:
                links.append(rel)
            case S_IFDIR:
                guard descendInto(name, rel) else { continue }
                let sub = openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                // ELOOP/ENOTDIR: replaced by a link (or a file) since the stat; skip it.
                guard sub >= 0 else { continue }
                defer { close(sub) }
                try walk(sub, relative: rel, descendInto: descendInto, links: &links, into: &out)
            case S_IFREG:
                out.append(Entry(
                    path: rel, size: Int64(st.st_size),
                    modifiedMillis: Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000,
                    device: UInt64(st.st_dev), inode: UInt64(st.st_ino)))
            default:
                continue  // sockets, fifos, devices: never data files
            }
        }
    }

    /// Deletes the file at `entry.path` if it is still the regular file that was listed (same
    /// device and inode), reaching it without following links. Returns false if it was not.
    func remove(_ entry: Entry) throws -> Bool {
        if let objectStore {
            try objectStore.remove(FilePaths.join(root, entry.path))
            return true
        }
        var components = entry.path.split(separator: "/").map(String.init)
        guard let name = components.popLast() else { return false }
        var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError("open directory", root) }
        defer { close(fd) }
        for c in components {
            let sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard sub >= 0 else { return false }
            close(fd)
            fd = sub
        }
        guard let st = statNoFollow(fd, name), st.st_mode & S_IFMT == S_IFREG,
            UInt64(st.st_dev) == entry.device, UInt64(st.st_ino) == entry.inode
        else { return false }
        if unlinkat(fd, name, 0) != 0 {
            if errno == ENOENT { return false }
            throw IOError("unlink", FilePaths.join(root, entry.path))
        }
        return true
    }

    private func statNoFollow(_ dirFd: Int32, _ name: String) -> stat? {
        var st = stat()
        return fstatat(dirFd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st : nil
    }

    /// The names in the directory open at `dirFd` (not `.` or `..`).
    private func names(_ dirFd: Int32, relative: String) throws -> [String] {
        try FileSystem.list(directory: dirFd, path: FilePaths.join(root, relative))
    }
}
