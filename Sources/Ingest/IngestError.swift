/// Why `sluice ingest` cannot run, each saying what to do.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    /// An argument that does not parse (names it and the accepted forms).
    case badArgument(String)
    /// An `s3://` location: S3 storage for sources, tables and checkpoints is not in this build.
    case s3NotBuilt(role: String, uri: String)
    /// The source directory does not exist.
    case missingSource(String)

    public var description: String {
        switch self {
        case .badArgument(let text): return text
        case .s3NotBuilt(let role, let uri):
            return "\(role) \(uri): S3 storage is not built yet (this build reads and writes local paths only); use a local path for the \(role), or kinesis://STREAM as the source"
        case .missingSource(let path): return "source directory \(path) does not exist"
        }
    }
}
