/// Where the engine keeps tables, checkpoints and bad records: the local file system
/// (`LocalStorage`) or an object store (`s3://bucket/prefix`, installed by the `S3Storage`
/// module). Paths are whole strings (`/data/t/_delta_log/0.json`,
/// `s3://bucket/t/_delta_log/0.json`); `Storage.at(path)` finds the implementation.
///
/// The contract is the object-store one, which the local implementation meets with the same
/// durability rules as `DurableFile`: a write is all-or-nothing and durable when it returns,
/// `createExclusively` lets exactly one of several racing writers win, and a read after a
/// completed write sees it (S3 is strongly consistent for reads after writes and for listings).
/// There are no directories to create on an object store; `createDirectory` and
/// `syncDirectory` do nothing there.
public protocol ObjectStorage: Sendable {
    /// True for the local file system (directories, fsync, hard links); false for object stores.
    var isLocal: Bool { get }

    /// The whole file. A missing file throws an `IOError` whose `isNotFound` is true.
    func read(_ path: String) throws -> [UInt8]

    /// The bytes `range` of a file (fewer if the file ends first, none past its end).
    func read(_ path: String, range: Range<Int64>) throws -> [UInt8]

    /// Size and modification time, or nil when there is no such file.
    func status(_ path: String) throws -> StorageFile?

    /// Writes `bytes` to `path` so that readers and a crash see the old content or all of the
    /// new, never part of it (local: temp file, fsync, rename, fsync of the directory).
    func writeAtomically(_ path: String, _ bytes: [UInt8], role: FileRole) throws

    /// Replaces `path` atomically for readers without forcing it to disk, for files recovery
    /// never reads (progress records). On an object store this is `writeAtomically`.
    func replaceWithoutSync(_ path: String, _ bytes: [UInt8], role: FileRole) throws

    /// Creates `path` only if no file has that name (put-if-absent), durably. Returns false
    /// when another writer created it first. On S3 an earlier attempt that got no answer may
    /// have written it: the object is then compared with `bytes`, and equal means ours.
    func createExclusively(_ path: String, _ bytes: [UInt8], role: FileRole) throws -> Bool

    /// Names directly in `directory` (files and, locally, subdirectories; on an object store
    /// the next level of key prefixes), sorted by their UTF-8 bytes, only those after
    /// `startAfter` when given. A missing directory lists as empty.
    func list(_ directory: String, startAfter: String?) throws -> [String]

    /// The files directly in `directory` with their size and modification time, sorted by
    /// name, after `startAfter` when given. A missing directory lists as empty.
    func listFiles(_ directory: String, startAfter: String?) throws -> [StorageFile]

    /// Every file below `directory`, at any depth, named by its path relative to it, sorted by
    /// UTF-8 bytes, only those after the relative path `startAfter` when given (on S3 the
    /// listing itself starts there, so it costs in proportion to what comes after). Locally,
    /// symbolic links are neither followed nor listed.
    func listTree(_ directory: String, startAfter: String?) throws -> [StorageFile]

    /// Deletes a file; a missing one is not an error.
    func remove(_ path: String) throws

    /// Deletes `path` and everything below it.
    func removeTree(_ path: String) throws

    /// Creates a directory and its parents (local); nothing on an object store.
    func createDirectory(_ path: String, role: FileRole) throws

    /// Makes the entries of `directory` durable (local fsync); nothing on an object store.
    func syncDirectory(_ directory: String) throws

    /// Whether anything exists at `path`: a file, or (on an object store) any key below it.
    func exists(_ path: String) throws -> Bool
}

/// A file as a listing or `status` describes it.
public struct StorageFile: Sendable, Equatable {
    /// The name within the listed directory (a relative path for `listTree`); for `status`,
    /// the last component of the path.
    public var name: String
    public var size: Int64
    /// Milliseconds since the Unix epoch.
    public var modifiedMillis: Int64

    public init(name: String, size: Int64, modifiedMillis: Int64) {
        self.name = name
        self.size = size
        self.modifiedMillis = modifiedMillis
    }
}

extension ObjectStorage {
    public func list(_ directory: String) throws -> [String] { try list(directory, startAfter: nil) }
    public func listFiles(_ directory: String) throws -> [StorageFile] { try listFiles(directory, startAfter: nil) }
    public func listTree(_ directory: String) throws -> [StorageFile] { try listTree(directory, startAfter: nil) }

    /// The whole file, or nil when it does not exist.
    public func readIfPresent(_ path: String) throws -> [UInt8]? {
        do { return try read(path) } catch let e as IOError where e.isNotFound { return nil }
    }
}
