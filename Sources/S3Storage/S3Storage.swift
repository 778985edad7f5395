import AWS
import Formats
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Amazon S3 (or an S3-compatible store) as the engine's storage for `s3://bucket/prefix`
/// paths: Delta tables, checkpoints, state and bad records.
///
/// ```
/// try S3Storage.install()   // once at start: region, credentials and endpoint from the environment
/// let query = try stream.writeStream
///     .format(.delta("s3://lake/events"))
///     .checkpointLocation("s3://lake/_checkpoints/events")
///     .start()
/// ```
///
/// How the object-store contract maps onto S3 (strongly consistent since December 2020):
/// - a whole write is one PutObject, or a multipart upload above `multipartThreshold`; either
///   becomes visible all at once, so `writeAtomically` needs no temporary object;
/// - `createExclusively` is PutObject with `If-None-Match: *` (412 when the key exists). When
///   an earlier attempt of the call got no answer, the object found may be that attempt's own
///   write (`AWSError.earlierAttemptUnresolved`), so its bytes are compared before the call
///   reports a lost race;
/// - listings are ListObjectsV2 with `/` as delimiter and `start-after`, so a caller that
///   knows where to start (the Delta log after its last checkpoint) does not pay for the rest;
/// - directories do not exist: creating and syncing them do nothing, and a "directory" exists
///   when a key lies below it.
public final class S3Storage: ObjectStorage {
    public let client: S3Client
    /// Objects larger than this go up as multipart uploads (default 64 MiB).
    public let multipartThreshold: Int
    /// The part size of multipart uploads (default 16 MiB; S3's minimum is 5 MiB).
    public let partSize: Int

    public init(client: S3Client, multipartThreshold: Int = 64 << 20, partSize: Int = 16 << 20) {
        self.client = client
        self.multipartThreshold = max(multipartThreshold, 5 << 20)
        self.partSize = max(partSize, 5 << 20)
    }

    /// Makes `storage` serve `s3://` and `s3a://` paths in this process (the buckets given
    /// their own storage excepted).
    public static func install(_ storage: S3Storage) {
        S3StorageRouter.shared.setDefault(storage)
        S3StorageRouter.shared.installIntoRegistry()
    }

    /// Makes `storage` serve the paths of one bucket: a bucket behind another endpoint or with
    /// other credentials than the rest.
    public static func install(_ storage: S3Storage, forBucket bucket: String) {
        S3StorageRouter.shared.set(storage, forBucket: bucket)
        S3StorageRouter.shared.installIntoRegistry()
    }

    /// Installs a storage whose client is configured from the environment and the shared AWS
    /// files (`AWS_REGION`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or a profile,
    /// `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` for S3-compatible stores and tests).
    /// `endpoint` (`http://127.0.0.1:5000`) and `region` override the environment, as a
    /// command's `--endpoint` and `--region` options would. After this, every path the engine
    /// takes may be an `s3://bucket/prefix` URI.
    @discardableResult
    public static func install(
        endpoint: String? = nil, region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> S3Storage {
        var environment = environment
        if let endpoint { environment["AWS_ENDPOINT_URL_S3"] = endpoint }
        if let region { environment["AWS_REGION"] = region }
        let storage = S3Storage(client: try S3Client(environment: environment))
        install(storage)
        return storage
    }

    /// Installs S3 storage from the environment if any of `paths` is an `s3://` or `s3a://` URI
    /// and none is installed yet: what a command taking table, checkpoint and source paths
    /// calls before opening them. Returns whether S3 storage is installed afterwards.
    @discardableResult
    public static func installIfNeeded(
        for paths: [String], endpoint: String? = nil, region: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Bool {
        guard paths.contains(where: { ["s3", "s3a"].contains(Storage.scheme(of: $0)) }) else { return false }
        if !S3StorageRouter.shared.hasDefault || endpoint != nil || region != nil {
            try install(endpoint: endpoint, region: region, environment: environment)
        }
        return true
    }

    public var isLocal: Bool { false }

    // MARK: Reading

    public func read(_ path: String) throws -> [UInt8] {
        let l = try location(path)
        return try notFoundAsIOError(path) { try client.getObject(bucket: l.bucket, key: l.key).body }
    }

    public func read(_ path: String, range: Range<Int64>) throws -> [UInt8] {
        let l = try location(path)
        return try notFoundAsIOError(path) { try client.getObject(bucket: l.bucket, key: l.key, range: range).body }
    }

    public func status(_ path: String) throws -> StorageFile? {
        let l = try location(path)
        guard !l.key.isEmpty, let info = try client.headObject(bucket: l.bucket, key: l.key) else { return nil }
        return StorageFile(name: FilePaths.lastComponent(l.key), size: info.size, modifiedMillis: Self.millis(info.lastModified))
    }

    public func exists(_ path: String) throws -> Bool {
        let l = try location(path)
        if !l.key.isEmpty, try client.headObject(bucket: l.bucket, key: l.key) != nil { return true }
        return try !client.listObjectsPage(bucket: l.bucket, prefix: Self.directoryPrefix(l.key), maxKeys: 1).objects.isEmpty
    }

    // MARK: Writing

    public func writeAtomically(_ path: String, _ bytes: [UInt8], role: FileRole) throws {
        let l = try objectLocation(path)
        if bytes.count > multipartThreshold {
            try client.putObjectMultipart(bucket: l.bucket, key: l.key, body: bytes, partSize: partSize)
        } else {
            try client.putObject(bucket: l.bucket, key: l.key, body: bytes)
        }
    }

    public func replaceWithoutSync(_ path: String, _ bytes: [UInt8], role: FileRole) throws {
        try writeAtomically(path, bytes, role: role)
    }

    public func createExclusively(_ path: String, _ bytes: [UInt8], role: FileRole) throws -> Bool {
        let l = try objectLocation(path)
        do {
            try client.putObject(bucket: l.bucket, key: l.key, body: bytes, condition: .ifAbsent)
            return true
        } catch let e as AWSError where e.kind == .alreadyExists {
            guard e.earlierAttemptUnresolved else { return false }
            // An attempt that got no answer may have written it: ours if the bytes are ours.
            return try readIfPresent(path) == bytes
        }
    }

    // MARK: Listing

    public func list(_ directory: String, startAfter: String?) throws -> [String] {
        let l = try location(directory)
        let prefix = Self.directoryPrefix(l.key)
        let listing = try client.listObjects(bucket: l.bucket, prefix: prefix, delimiter: "/", startAfter: startAfter.map { prefix + $0 })
        var names = listing.objects.map { String($0.key.dropFirst(prefix.count)) }
        names += listing.commonPrefixes.map { String($0.dropFirst(prefix.count).dropLast()) }
        // A key ending in `/` (a "folder" some tools create) names nothing inside the directory;
        // the subdirectory `startAfter` itself is listed by S3 (its keys sort after the name).
        return names.filter { name in !name.isEmpty && (startAfter.map { s in s.utf8.lexicographicallyPrecedes(name.utf8) } ?? true) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func listFiles(_ directory: String, startAfter: String?) throws -> [StorageFile] {
        let l = try location(directory)
        let prefix = Self.directoryPrefix(l.key)
        let listing = try client.listObjects(bucket: l.bucket, prefix: prefix, delimiter: "/", startAfter: startAfter.map { prefix + $0 })
        return listing.objects.compactMap { o in
            let name = String(o.key.dropFirst(prefix.count))
            return name.isEmpty ? nil : StorageFile(name: name, size: o.size, modifiedMillis: Self.millis(o.lastModified))
        }
    }

    public func listTree(_ directory: String, startAfter: String?) throws -> [StorageFile] {
        let l = try location(directory)
        let prefix = Self.directoryPrefix(l.key)
        let listing = try client.listObjects(bucket: l.bucket, prefix: prefix, startAfter: startAfter.map { prefix + $0 })
        return listing.objects.compactMap { o in
            let name = String(o.key.dropFirst(prefix.count))
            return name.isEmpty || name.hasSuffix("/") ? nil : StorageFile(name: name, size: o.size, modifiedMillis: Self.millis(o.lastModified))
        }
    }

    // MARK: Deleting

    public func remove(_ path: String) throws {
        let l = try objectLocation(path)
        try client.deleteObject(bucket: l.bucket, key: l.key)
    }

    public func removeTree(_ path: String) throws {
        let l = try location(path)
        let prefix = Self.directoryPrefix(l.key)
        var keys = try client.listObjects(bucket: l.bucket, prefix: prefix).objects.map(\.key)
        if !l.key.isEmpty { keys.append(l.key) }
        let failures = try client.deleteObjects(bucket: l.bucket, keys: keys)
        if let f = failures.first {
            throw IOError("delete (\(f.code): \(f.message))", "s3://\(l.bucket)/\(f.key)", code: EIO)
        }
    }

    // MARK: Directories (there are none)

    public func createDirectory(_ path: String, role: FileRole) throws {}
    public func syncDirectory(_ directory: String) throws {}

    // MARK: Helpers

    private func location(_ path: String) throws -> S3Location {
        var l = try S3Location(parsing: path)
        while l.key.hasSuffix("/") { l.key.removeLast() }
        return l
    }

    /// A location that names an object (a non-empty key).
    private func objectLocation(_ path: String) throws -> S3Location {
        let l = try location(path)
        guard !l.key.isEmpty else { throw IOError("write", path, code: EISDIR) }
        return l
    }

    /// The listing prefix of the keys inside `key` taken as a directory.
    static func directoryPrefix(_ key: String) -> String { key.isEmpty ? "" : key + "/" }

    static func millis(_ date: Date?) -> Int64 { Int64(((date ?? Date()).timeIntervalSince1970 * 1000).rounded()) }

    /// Runs `body`, turning S3's "no such key" into the not-found `IOError` callers check for.
    private func notFoundAsIOError<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as AWSError where e.kind == .notFound {
            throw IOError("read", path, code: ENOENT)
        }
    }
}
