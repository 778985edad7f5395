import Foundation

/// What HeadObject, GetObject and listings tell about an object.
public struct S3ObjectInfo: Sendable, Hashable {
    public var key: String
    /// The whole object's size in bytes (also for a ranged GetObject).
    public var size: Int64
    /// With its quotes stripped.
    public var eTag: String?
    public var lastModified: Date?
}

/// An object's bytes (all of them, or the range asked for) and its metadata.
public struct S3Object: Sendable {
    public var info: S3ObjectInfo
    public var body: [UInt8]
    /// The byte range `body` holds within the object.
    public var range: Range<Int64>
}

/// When a PutObject may write.
public enum S3PutCondition: Sendable, Equatable {
    /// Always (overwrites).
    case none
    /// Only when no object has the key (`If-None-Match: *`); otherwise the call fails with
    /// `AWSError.Kind.alreadyExists`.
    case ifAbsent
}

/// One page of ListObjectsV2.
public struct S3ListPage: Sendable {
    public var objects: [S3ObjectInfo]
    /// With a delimiter: the "directories" (`prefix/…/`) one level down.
    public var commonPrefixes: [String]
    /// Pass to the next call; nil on the last page.
    public var continuationToken: String?
}

/// All pages of a listing, in key order (S3 lists in UTF-8 binary order).
public struct S3Listing: Sendable {
    public var objects: [S3ObjectInfo]
    public var commonPrefixes: [String]
}

/// A part uploaded to a multipart upload; CompleteMultipartUpload takes them in part order.
public struct S3UploadedPart: Sendable, Hashable {
    public var partNumber: Int
    public var eTag: String

    public init(partNumber: Int, eTag: String) {
        self.partNumber = partNumber
        self.eTag = eTag
    }
}

/// A key DeleteObjects could not delete, with S3's reason.
public struct S3DeleteFailure: Sendable, Hashable {
    public var key: String
    public var code: String
    public var message: String
}
