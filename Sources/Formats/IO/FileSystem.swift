#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Path string helpers (POSIX paths, `/` separator).
public enum FilePaths {
    public static func join(_ parts: String...) -> String { join(parts) }

    public static func join(_ parts: [String]) -> String {
        var out = ""
        for p in parts where !p.isEmpty {
            if out.isEmpty || p.hasPrefix("/") { out = p } else if out.hasSuffix("/") { out += p } else { out += "/" + p }
        }
        return out
    }

    public static func parent(_ path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "." }
        return i == path.startIndex ? "/" : String(path[..<i])
    }

    public static func lastComponent(_ path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: i)...])
    }
}

/// Thin, throwing wrappers over the POSIX calls the engine needs.
public enum FileSystem {
    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError("open", path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOError("stat", path) }
        return try read(fd, path: path, from: 0, count: Int(st.st_size))
    }

    /// Reads the bytes `range` of a file (fewer if the file ends first).
    public static func read(_ path: String, range: Range<Int64>) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError("open", path) }
        defer { close(fd) }
        return try read(fd, path: path, from: range.lowerBound, count: Int(range.upperBound - range.lowerBound))
    }

    /// Up to `count` bytes from `offset`, fewer at the end of the file.
    private static func read(_ fd: Int32, path: String, from offset: Int64, count: Int) throws -> [UInt8] {
        // Uninitialised capacity: zero-filling a file-sized buffer the read overwrites anyway
        // was 3 % of a YSB run.
        var failure: IOError?
        let out = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            var done = 0
            while done < buf.count {
                let n = pread(fd, buf.baseAddress! + done, buf.count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = IOError("read", path)
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if let failure { throw failure }
        return out
    }

    public static func readString(_ path: String) throws -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Size and modification time (ms since the epoch) of a file.
    public static func attributes(_ path: String) throws -> (size: Int64, modifiedMillis: Int64) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw IOError("stat", path) }
        return (Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000)
    }

    /// Creates `path` and its missing parents, with the modes `FilePermissions.current` gives
    /// `role` (directories that exist keep theirs).
    public static func createDirectory(_ path: String, role: FileRole = .restricted) throws {
        if isDirectory(path) { return }
        let parent = FilePaths.parent(path)
        if parent != path && parent != "." && parent != "/" && !isDirectory(parent) { try createDirectory(parent, role: role) }
        let modes = FilePermissions.current.modes(for: role)
        if mkdir(path, mode_t(modes.directory)) != 0 {
            if errno == EEXIST { return }
            throw IOError("mkdir", path)
        }
        try modes.apply(toDirectory: path)
    }

    /// Opens `path` for reading and writing, creating it with the modes of `role` if it does
    /// not exist (an existing file keeps its mode). Returns the descriptor.
    public static func openCreating(_ path: String, role: FileRole = .restricted, truncate: Bool = false) throws -> Int32 {
        let modes = FilePermissions.current.modes(for: role)
        let extra = truncate ? O_TRUNC : 0
        while true {
            let created = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(modes.file))
            if created >= 0 {
                do { try modes.apply(toFile: created, path: path) } catch {
                    close(created)
                    throw error
                }
                return created
            }
            guard errno == EEXIST else { throw IOError("create", path) }
            let existing = open(path, O_RDWR | O_CLOEXEC | extra)
            if existing >= 0 { return existing }
            // Removed between the two opens: try creating it again.
            guard errno == ENOENT else { throw IOError("open", path) }
        }
    }

    /// Names in a directory (not `.` or `..`), unsorted.
    public static func list(_ dir: String) throws -> [String] {
        guard let d = opendir(dir) else { throw IOError("opendir", dir) }
        defer { closedir(d) }
        return names(of: d)
    }

    /// Names in the directory open as `fd` (not `.` or `..`), unsorted; `fd` stays open (a
    /// walk that opens each level with `openat` keeps its own descriptors). `path` names the
    /// directory in errors.
    public static func list(directory fd: Int32, path: String) throws -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let d = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            throw IOError("opendir", path)
        }
        defer { closedir(d) }
        return names(of: d)
    }

    private static func names(of d: OpaquePointer) -> [String] {
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw IOError("unlink", path) }
    }

    /// Removes a file or a directory tree.
    public static func removeTree(_ path: String) throws {
        if isDirectory(path) {
            for name in try list(path) { try removeTree(FilePaths.join(path, name)) }
            if rmdir(path) != 0 && errno != ENOENT { throw IOError("rmdir", path) }
        } else {
            try remove(path)
        }
    }

    /// The absolute form of `path`, resolved against the working directory; a `scheme://`
    /// location (`s3://bucket/prefix`) is already absolute and returned as it is.
    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") || Storage.isRemote(path) { return path }
        var buf = [UInt8](repeating: 0, count: 4096)
        let ok = buf.withUnsafeMutableBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { getcwd($0.baseAddress, $0.count) != nil }
        }
        guard ok else { return path }
        return FilePaths.join(String(decoding: buf.prefix(while: { $0 != 0 }), as: UTF8.self), path)
    }
}

extension FileSystem {
    /// Renames `from` to `to` (replacing `to`), then fsyncs the directory.
    public static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw IOError("rename \(from) to", to) }
        try DurableFile.syncDirectory(of: to)
    }
}
