/// A bucket and a key (or key prefix), parsed from `s3://bucket/key` (`s3a://` too, as Hadoop
/// and Spark write it).
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// No leading `/`; empty for the whole bucket.
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Parses `s3://bucket[/key]`. Throws for another scheme, an empty bucket or a bucket name
    /// S3 would refuse (3–63 characters of `a-z 0-9 . -`, starting and ending with a letter or
    /// digit).
    public init(parsing uri: String) throws {
        let scheme: String
        if uri.hasPrefix("s3://") { scheme = "s3://" } else if uri.hasPrefix("s3a://") { scheme = "s3a://" } else {
            throw AWSConfigurationError("'\(uri)' is not an S3 URI: write s3://bucket/prefix")
        }
        let rest = uri.dropFirst(scheme.count)
        let slash = rest.firstIndex(of: "/")
        let bucket = String(slash.map { rest[..<$0] } ?? rest)
        let key = slash.map { String(rest[rest.index(after: $0)...]) } ?? ""
        guard Self.isValidBucket(bucket) else {
            throw AWSConfigurationError(
                "'\(uri)': '\(bucket)' is not a valid bucket name (3-63 characters of a-z, 0-9, '.' and '-', "
                    + "starting and ending with a letter or digit)")
        }
        self.init(bucket: bucket, key: key)
    }

    static func isValidBucket(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard (3...63).contains(u.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (0x61...0x7a).contains(b) || (0x30...0x39).contains(b) }
        guard alnum(u.first!), alnum(u.last!) else { return false }
        return u.allSatisfy { alnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// This location with `/component` added to the key (no doubled slash).
    public func appending(_ component: String) -> S3Location {
        if key.isEmpty { return S3Location(bucket: bucket, key: component) }
        return S3Location(bucket: bucket, key: key.hasSuffix("/") ? key + component : key + "/" + component)
    }

    public var description: String { key.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(key)" }
}
