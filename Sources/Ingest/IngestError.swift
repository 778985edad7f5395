/// Why `sluice ingest` cannot run, each saying what to do.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    /// An argument that does not parse (names it and the accepted forms).
    case badArgument(String)
    /// The source directory does not exist.
    case missingSource(String)

    public var description: String {
        switch self {
        case .badArgument(let text): return text
        case .missingSource(let path): return "source directory \(path) does not exist"
        }
    }
}
