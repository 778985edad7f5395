import AWS
import Formats
import Synchronization

/// What `Storage` holds for the `s3` and `s3a` schemes: hands each path to the `S3Storage` of
/// its bucket, or to the default one.
final class S3StorageRouter: ObjectStorage {
    static let shared = S3StorageRouter()

    private let routes = Mutex<(fallback: S3Storage?, buckets: [String: S3Storage])>((nil, [:]))

    func setDefault(_ storage: S3Storage) { routes.withLock { $0.fallback = storage } }

    var hasDefault: Bool { routes.withLock { $0.fallback != nil } }

    func set(_ storage: S3Storage, forBucket bucket: String) { routes.withLock { $0.buckets[bucket] = storage } }

    func installIntoRegistry() {
        Storage.install(self, forScheme: "s3")
        Storage.install(self, forScheme: "s3a")
    }

    private func storage(_ path: String) throws -> S3Storage {
        let bucket = try S3Location(parsing: path).bucket
        guard let s = routes.withLock({ $0.buckets[bucket] ?? $0.fallback }) else {
            throw StorageUnavailableError(scheme: Storage.scheme(of: path) ?? "s3", path: path)
        }
        return s
    }

    var isLocal: Bool { false }

    func read(_ path: String) throws -> [UInt8] { try storage(path).read(path) }
    func read(_ path: String, range: Range<Int64>) throws -> [UInt8] { try storage(path).read(path, range: range) }
    func status(_ path: String) throws -> StorageFile? { try storage(path).status(path) }
    func writeAtomically(_ path: String, _ bytes: [UInt8], role: FileRole) throws {
        try storage(path).writeAtomically(path, bytes, role: role)
    }
    func replaceWithoutSync(_ path: String, _ bytes: [UInt8], role: FileRole) throws {
        try storage(path).replaceWithoutSync(path, bytes, role: role)
    }
    func createExclusively(_ path: String, _ bytes: [UInt8], role: FileRole) throws -> Bool {
        try storage(path).createExclusively(path, bytes, role: role)
    }
    func list(_ directory: String, startAfter: String?) throws -> [String] { try storage(directory).list(directory, startAfter: startAfter) }
    func listFiles(_ directory: String, startAfter: String?) throws -> [StorageFile] {
        try storage(directory).listFiles(directory, startAfter: startAfter)
    }
    func listTree(_ directory: String, startAfter: String?) throws -> [StorageFile] {
        try storage(directory).listTree(directory, startAfter: startAfter)
    }
    func remove(_ path: String) throws { try storage(path).remove(path) }
    func removeTree(_ path: String) throws { try storage(path).removeTree(path) }
    func createDirectory(_ path: String, role: FileRole) throws {}
    func syncDirectory(_ directory: String) throws {}
    func exists(_ path: String) throws -> Bool { try storage(path).exists(path) }
}
