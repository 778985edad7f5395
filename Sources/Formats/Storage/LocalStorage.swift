/// The local file system as `ObjectStorage`: the engine's durable-write rules of `DurableFile`
/// (temp file, fsync, rename or link, fsync of the directory) behind the object-store calls.
public struct LocalStorage: ObjectStorage {
    public static let shared = LocalStorage()

    public init() {}

    public var isLocal: Bool { true }

    public func read(_ path: String) throws -> [UInt8] { try FileSystem.read(path) }

    public func read(_ path: String, range: Range<Int64>) throws -> [UInt8] { try FileSystem.read(path, range: range) }

    public func status(_ path: String) throws -> StorageFile? {
        guard let s = FileSystem.status(path, followLinks: true), s.kind == .file else { return nil }
        return StorageFile(name: FilePaths.lastComponent(path), size: s.size, modifiedMillis: s.modifiedMillis)
    }

    public func writeAtomically(_ path: String, _ bytes: [UInt8], role: FileRole) throws {
        try DurableFile.writeAtomically(path, bytes, role: role)
    }

    public func replaceWithoutSync(_ path: String, _ bytes: [UInt8], role: FileRole) throws {
        try DurableFile.replaceWithoutSync(path, bytes, role: role)
    }

    public func createExclusively(_ path: String, _ bytes: [UInt8], role: FileRole) throws -> Bool {
        try DurableFile.createExclusively(path, bytes, role: role)
    }

    public func list(_ directory: String, startAfter: String?) throws -> [String] {
        let names: [String]
        do { names = try FileSystem.list(directory) } catch let e as IOError where e.isNotFound { return [] }
        return Self.sorted(names, after: startAfter)
    }

    public func listFiles(_ directory: String, startAfter: String?) throws -> [StorageFile] {
        try list(directory, startAfter: startAfter).compactMap { name in
            guard let s = FileSystem.status(FilePaths.join(directory, name), followLinks: true), s.kind == .file else { return nil }
            return StorageFile(name: name, size: s.size, modifiedMillis: s.modifiedMillis)
        }
    }

    public func listTree(_ directory: String, startAfter: String?) throws -> [StorageFile] {
        var out: [StorageFile] = []
        func walk(_ dir: String, _ relative: String) throws {
            for name in try list(dir, startAfter: nil) {
                let full = FilePaths.join(dir, name)
                let rel = relative.isEmpty ? name : relative + "/" + name
                guard let s = FileSystem.status(full, followLinks: false) else { continue }
                switch s.kind {
                case .file: out.append(StorageFile(name: rel, size: s.size, modifiedMillis: s.modifiedMillis))
                case .directory: try walk(full, rel)
                case .symbolicLink, .other: continue
                }
            }
        }
        try walk(directory, "")
        if let startAfter { out.removeAll { !startAfter.utf8.lexicographicallyPrecedes($0.name.utf8) } }
        return out.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    public func remove(_ path: String) throws { try FileSystem.remove(path) }

    public func removeTree(_ path: String) throws { try FileSystem.removeTree(path) }

    public func createDirectory(_ path: String, role: FileRole) throws { try FileSystem.createDirectory(path, role: role) }

    public func syncDirectory(_ directory: String) throws { try DurableFile.syncDirectory(directory) }

    public func exists(_ path: String) throws -> Bool { FileSystem.exists(path) }

    /// `names` in UTF-8 byte order (S3's listing order), only those after `startAfter`.
    static func sorted(_ names: [String], after startAfter: String?) -> [String] {
        var out = names
        if let startAfter { out.removeAll { !startAfter.utf8.lexicographicallyPrecedes($0.utf8) } }
        out.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return out
    }
}
