/// The async forms of `S3Client`'s calls: they wait without holding a thread.
extension S3Client {
    public func getObject(bucket: String, key: String, range: Range<Int64>? = nil) async throws -> S3Object {
        try await core.run(try getObjectCall(bucket, key, range))
    }

    public func headObject(bucket: String, key: String) async throws -> S3ObjectInfo? {
        try await core.run(headObjectCall(bucket, key))
    }

    @discardableResult
    public func putObject(
        bucket: String, key: String, body: [UInt8], condition: S3PutCondition = .none,
        contentType: String = "application/octet-stream"
    ) async throws -> String {
        try await core.run(putObjectCall(bucket, key, body, condition, contentType))
    }

    public func deleteObject(bucket: String, key: String) async throws {
        try await core.run(deleteObjectCall(bucket, key))
    }

    public func listObjectsPage(
        bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil,
        continuationToken: String? = nil, maxKeys: Int? = nil
    ) async throws -> S3ListPage {
        try await core.run(listCall(bucket, prefix, delimiter, startAfter, continuationToken, maxKeys))
    }

    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: [UInt8]) async throws -> S3UploadedPart {
        try await core.run(try uploadPartCall(bucket, key, uploadId, partNumber, body))
    }
}
