import Foundation

/// S3's REST API: objects, listings and multipart uploads. Every call comes synchronous (the
/// calling thread waits; for the engine, which reads and writes on a query's own thread) and
/// async (in `S3Client+Async.swift`); both retry per `configuration.retry`.
///
/// Addressing: virtual-hosted (`bucket.s3.region.amazonaws.com/key`) by default; path-style
/// (`endpoint/bucket/key`) with an endpoint override, for bucket names with dots, or when
/// `pathStyle` is set.
public final class S3Client: Sendable {
    public let configuration: AWSConfiguration
    let core: ServiceCore
    let pathStyle: Bool
    let signPayload: Bool

    /// - Parameters:
    ///   - pathStyle: nil = path-style exactly when `configuration.endpoint` is set.
    ///   - signPayload: sign the body's SHA-256 (S3 then checks the body against it); false sends
    ///     `UNSIGNED-PAYLOAD` with a `Content-MD5` instead, saving one hash pass over uploads.
    public init(
        configuration: AWSConfiguration, transport: any HTTPTransport = URLSessionTransport(), pathStyle: Bool? = nil,
        signPayload: Bool = true
    ) {
        self.configuration = configuration
        self.pathStyle = pathStyle ?? (configuration.endpoint != nil)
        self.signPayload = signPayload
        self.core = ServiceCore(configuration: configuration, signingName: "s3", transport: transport, parseError: S3Client.parseError)
    }

    /// A client configured from the environment and shared files (`AWSConfiguration.resolve`).
    public convenience init(environment: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil) throws {
        self.init(configuration: try AWSConfiguration.resolve(service: "s3", environment: environment, profile: profile))
    }

    // MARK: Objects

    /// The object's bytes: all of them, or those in `range` (fewer when the object ends first;
    /// none when `range` starts at or after its end, as a file read would).
    public func getObject(bucket: String, key: String, range: Range<Int64>? = nil) throws -> S3Object {
        try core.run(try getObjectCall(bucket, key, range))
    }

    /// The object's metadata, or nil when there is no object with that key.
    public func headObject(bucket: String, key: String) throws -> S3ObjectInfo? {
        try core.run(headObjectCall(bucket, key))
    }

    /// Writes an object; with `.ifAbsent` only when the key is free, else fails with
    /// `AWSError.Kind.alreadyExists` (of two racing writers exactly one wins). Returns the ETag.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: [UInt8], condition: S3PutCondition = .none,
        contentType: String = "application/octet-stream"
    ) throws -> String {
        try core.run(putObjectCall(bucket, key, body, condition, contentType))
    }

    /// Deletes an object; deleting a missing key succeeds, as in S3.
    public func deleteObject(bucket: String, key: String) throws {
        try core.run(deleteObjectCall(bucket, key))
    }

    /// Deletes many keys, 1000 per request; returns the keys S3 refused to delete.
    public func deleteObjects(bucket: String, keys: [String]) throws -> [S3DeleteFailure] {
        var failures: [S3DeleteFailure] = []
        for start in stride(from: 0, to: keys.count, by: 1000) {
            failures += try core.run(deleteObjectsCall(bucket, Array(keys[start..<min(start + 1000, keys.count)])))
        }
        return failures
    }

    // MARK: Listing

    /// One page of ListObjectsV2: keys under `prefix` after `startAfter` (exclusive), up to
    /// `maxKeys`; with a `delimiter`, keys below the next delimiter are folded into
    /// `commonPrefixes`.
    public func listObjectsPage(
        bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil,
        continuationToken: String? = nil, maxKeys: Int? = nil
    ) throws -> S3ListPage {
        try core.run(listCall(bucket, prefix, delimiter, startAfter, continuationToken, maxKeys))
    }

    /// Every page of the listing, followed through continuation tokens.
    public func listObjects(bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil) throws -> S3Listing {
        var listing = S3Listing(objects: [], commonPrefixes: [])
        var token: String?
        repeat {
            let page = try listObjectsPage(bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter, continuationToken: token)
            listing.objects += page.objects
            listing.commonPrefixes += page.commonPrefixes
            token = page.continuationToken
        } while token != nil
        return listing
    }

    // MARK: Multipart uploads

    /// Starts a multipart upload; returns its upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String = "application/octet-stream") throws -> String {
        try core.run(createMultipartCall(bucket, key, contentType))
    }

    /// Uploads part `partNumber` (1...10000; every part but the last at least 5 MiB).
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: [UInt8]) throws -> S3UploadedPart {
        try core.run(try uploadPartCall(bucket, key, uploadId, partNumber, body))
    }

    /// Joins the parts into the object (made visible atomically); returns its ETag.
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [S3UploadedPart]) throws -> String {
        try core.run(completeMultipartCall(bucket, key, uploadId, parts))
    }

    /// Drops an unfinished upload and its parts (S3 keeps and bills them until then).
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) throws {
        try core.run(abortMultipartCall(bucket, key, uploadId))
    }

    /// Uploads `body` in parts of `partSize` bytes (at least 5 MiB) and completes the upload;
    /// on any failure aborts it, so no parts are left behind, and rethrows.
    @discardableResult
    public func putObjectMultipart(bucket: String, key: String, body: [UInt8], partSize: Int = 16 << 20) throws -> String {
        guard partSize >= 5 << 20 else {
            throw AWSError(kind: .invalidRequest, operation: "S3.PutObjectMultipart", resource: "s3://\(bucket)/\(key)",
                           message: "part size \(partSize) is below S3's minimum of 5 MiB", attempts: 0)
        }
        let uploadId = try createMultipartUpload(bucket: bucket, key: key)
        do {
            var parts: [S3UploadedPart] = []
            var offset = 0
            repeat {
                let end = min(offset + partSize, body.count)
                parts.append(try uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: parts.count + 1, body: Array(body[offset..<end])))
                offset = end
            } while offset < body.count
            return try completeMultipartUpload(bucket: bucket, key: key, uploadId: uploadId, parts: parts)
        } catch {
            try? abortMultipartUpload(bucket: bucket, key: key, uploadId: uploadId)
            throw error
        }
    }

    // MARK: Buckets

    /// Creates a bucket in the client's region.
    public func createBucket(_ bucket: String) throws {
        try core.run(createBucketCall(bucket))
    }
}
