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
    /// The same source producing only `columns` (and whatever it cannot leave out).
    func pruned(to columns: Set<String>) -> any SourceSpec
    /// The same source told that the query drops rows failing `predicate` (see `FilterPushdown`).
    func pushingFilter(_ predicate: Expr) -> any SourceSpec
}

extension SourceSpec {
    func pruned(to columns: Set<String>) -> any SourceSpec { self }
    func pushingFilter(_ predicate: Expr) -> any SourceSpec { self }
}

extension FileSourceSpec: SourceSpec {
    func makeSource(metadataPath: String) throws -> any StreamSource {
        try makeFileSource(metadataPath: metadataPath)
    }

    var readLimit: ReadLimit { options.fileReadLimit }

    func pruned(to columns: Set<String>) -> any SourceSpec {
        var options = options
        if let c = options.reader.corruptRecordColumn, !columns.contains(c) { options.reader.corruptRecordColumn = nil }
        // A partition directory named like a pruned column is still a declared column.
        if options.declaredSchema == nil { options.declaredSchema = schema }
        return FileSourceSpec(path: path, format: format, schema: Schema(schema.fields.filter { columns.contains($0.name) }), options: options)
    }

    /// JSON readers test pushed conditions in place; CSV ones would gain little (every field is
    /// split anyway), so CSV sources are left as they are.
    func pushingFilter(_ predicate: Expr) -> any SourceSpec {
        guard format == .jsonLines, let filter = FilterPushdown.scanFilter(predicate, schema: schema) else { return self }
        var options = options
        options.reader.scanFilter = filter
        return FileSourceSpec(path: path, format: format, schema: schema, options: options)
    }
}
