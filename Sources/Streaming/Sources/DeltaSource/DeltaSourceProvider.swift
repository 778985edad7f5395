import Columnar
import Delta

/// A Delta table streamed by following its log, as a query describes it
/// (`readStream.format(.delta).load(path)`): the `SourceProvider` of `DeltaStreamSource`.
struct DeltaSourceProvider: SourceProvider {
    let path: String
    let options: FileSourceOptions
    /// The table's schema when the stream was described (`load()`).
    let tableSchema: Schema
    var columns: [String]?

    var schema: Schema {
        guard let columns else { return tableSchema }
        return Schema(tableSchema.fields.filter { columns.contains($0.name) })
    }

    func makeSource(metadataPath: String) throws -> any StreamSource {
        try DeltaStreamSource(table: DeltaTable(path: path), columns: columns)
    }

    var readLimit: ReadLimit { options.readLimit }

    func pruned(to columns: Set<String>) -> any SourceProvider {
        var c = self
        c.columns = Array(columns)
        return c
    }
}

extension DeltaSourceProvider {
    func identity() throws -> SourceIdentity {
        let table = DeltaTable(path: path)
        return SourceIdentity(format: "delta", path: table.path, tableId: try table.snapshot().metadata.id)
    }
}
