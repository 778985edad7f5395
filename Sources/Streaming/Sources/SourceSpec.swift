import Columnar

/// A source as the user described it, before the query's checkpoint is known. The planner asks
/// it for its schema; `start()` asks it to build the live source with its checkpoint directory.
protocol SourceSpec: Sendable {
    /// The schema the source will produce (may list files or read a table log to find out).
    func resolvedSchema() throws -> Schema
    /// The live source, keeping its own metadata (if any) under `metadataPath`.
    func makeSource(metadataPath: String) throws -> any StreamSource
    /// How much one batch may take from this source.
    var readLimit: ReadLimit { get }
}

extension FileSourceSpec: SourceSpec {
    func makeSource(metadataPath: String) throws -> any StreamSource {
        try makeFileSource(metadataPath: metadataPath)
    }

    var readLimit: ReadLimit { options.readLimit }
}
