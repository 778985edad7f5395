import Synchronization

/// Finds the storage for a path: `scheme://…` paths go to the implementation installed for
/// the scheme (the `S3Storage` module installs `s3` and `s3a`), everything else is local.
/// The registry keeps the core free of the AWS dependency: a program that writes to S3 links
/// `S3Storage` and calls `S3Storage.install()` once at start.
public enum Storage {
    private static let registry = Mutex<[String: any ObjectStorage]>([:])

    /// The storage holding `path`. For a scheme nobody installed, a storage whose every call
    /// fails saying what to do.
    public static func at(_ path: String) -> any ObjectStorage {
        guard let scheme = scheme(of: path) else { return LocalStorage.shared }
        if let s = registry.withLock({ $0[scheme] }) { return s }
        return UnavailableStorage(scheme: scheme)
    }

    /// Makes `storage` serve paths `scheme://…` (lower case, without `://`), replacing any
    /// earlier one.
    public static func install(_ storage: any ObjectStorage, forScheme scheme: String) {
        registry.withLock { $0[scheme.lowercased()] = storage }
    }

    /// Whether `path` names an object store (`scheme://…`) rather than a local path.
    public static func isRemote(_ path: String) -> Bool { scheme(of: path) != nil }

    /// The lower-cased scheme of `scheme://rest`, or nil for a local path. A scheme is a letter
    /// followed by letters, digits, `+`, `-` or `.` (RFC 3986), and must be followed by `://`
    /// here, so `date=2026-11-25` or `C:x` are local names.
    public static func scheme(of path: String) -> String? {
        var scheme = ""
        var rest = path.unicodeScalars[...]
        while let c = rest.first {
            if c == ":" { break }
            let letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
            let other = (c >= "0" && c <= "9") || c == "+" || c == "-" || c == "."
            guard letter || (!scheme.isEmpty && other) else { return nil }
            scheme.unicodeScalars.append(c)
            rest = rest.dropFirst()
        }
        guard !scheme.isEmpty, String(rest).hasPrefix("://") else { return nil }
        return scheme.lowercased()
    }
}

/// The storage of a scheme no module installed: every call explains how to install one.
struct UnavailableStorage: ObjectStorage {
    let scheme: String
    var isLocal: Bool { false }

    private func fail(_ path: String) -> StorageUnavailableError { StorageUnavailableError(scheme: scheme, path: path) }

    func read(_ path: String) throws -> [UInt8] { throw fail(path) }
    func read(_ path: String, range: Range<Int64>) throws -> [UInt8] { throw fail(path) }
    func status(_ path: String) throws -> StorageFile? { throw fail(path) }
    func writeAtomically(_ path: String, _ bytes: [UInt8], role: FileRole) throws { throw fail(path) }
    func replaceWithoutSync(_ path: String, _ bytes: [UInt8], role: FileRole) throws { throw fail(path) }
    func createExclusively(_ path: String, _ bytes: [UInt8], role: FileRole) throws -> Bool { throw fail(path) }
    func list(_ directory: String, startAfter: String?) throws -> [String] { throw fail(directory) }
    func listFiles(_ directory: String, startAfter: String?) throws -> [StorageFile] { throw fail(directory) }
    func listTree(_ directory: String, startAfter: String?) throws -> [StorageFile] { throw fail(directory) }
    func remove(_ path: String) throws { throw fail(path) }
    func removeTree(_ path: String) throws { throw fail(path) }
    func createDirectory(_ path: String, role: FileRole) throws { throw fail(path) }
    func syncDirectory(_ directory: String) throws { throw fail(directory) }
    func exists(_ path: String) throws -> Bool { throw fail(path) }
}

/// A `scheme://` path with no storage installed for the scheme.
public struct StorageUnavailableError: Error, CustomStringConvertible, Equatable {
    public let scheme: String
    public let path: String

    public init(scheme: String, path: String) {
        self.scheme = scheme
        self.path = path
    }

    public var description: String {
        if scheme == "s3" || scheme == "s3a" {
            return "\(path): no storage is installed for \(scheme):// paths in this program; link the S3Storage module and call S3Storage.install() before using S3 paths"
        }
        return "\(path): the scheme '\(scheme)://' is not supported; use a local path or s3://bucket/prefix"
    }
}
