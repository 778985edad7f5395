import AWS

/// Where `sluice ingest` reads or writes: the one place a path argument is interpreted. An S3
/// location is handed to the engine as its `s3://` URI, which `S3Storage` serves
/// (`docs/ARCHITECTURE.md`, "Storage: local disk and S3").
public enum StorageLocation: Sendable, Equatable {
    case local(String)
    case s3(S3Location)

    /// `s3://bucket/key` or a local path (a `file://` prefix is dropped).
    public static func parse(_ text: String, role: String) throws -> StorageLocation {
        if text.hasPrefix("s3://") {
            guard let location = try? S3Location(parsing: text) else {
                throw IngestError.badArgument("\(role) \(text) is not an s3://bucket/prefix URI")
            }
            return .s3(location)
        }
        if text.hasPrefix("file://") { return .local(String(text.dropFirst("file://".count))) }
        guard !text.isEmpty, !text.contains("://") else {
            throw IngestError.badArgument("\(role) \(text): expected a local path or s3://bucket/prefix")
        }
        return .local(text)
    }

    /// The path the engine takes: the local path, or the `s3://` URI.
    public var path: String {
        switch self {
        case .local(let path): return path
        case .s3(let location): return location.description
        }
    }

    var isS3: Bool { if case .s3 = self { true } else { false } }
}

/// What `sluice ingest` reads: `kinesis://STREAM`, `s3://bucket/prefix` or a local directory.
public enum IngestSource: Sendable, Equatable {
    case kinesis(stream: String)
    case files(StorageLocation)

    public static func parse(_ text: String) throws -> IngestSource {
        if text.hasPrefix("kinesis://") {
            let stream = String(text.dropFirst("kinesis://".count))
            guard !stream.isEmpty, !stream.contains("/") else {
                throw IngestError.badArgument("source \(text): expected kinesis://STREAM (a stream name, no path)")
            }
            return .kinesis(stream: stream)
        }
        return .files(try StorageLocation.parse(text, role: "source"))
    }
}
