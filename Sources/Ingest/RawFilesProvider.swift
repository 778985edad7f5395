import Streaming

/// A local directory as the raw table's source: the file source (its listing, log and
/// exactly-once offsets) with `RawLinesReader` as the reader.
struct RawFilesProvider: SourceProvider {
    let root: String
    let dateField: DateField?
    let badRecordsPath: String?

    var schema: Schema { RawTable.schema }

    func identity() throws -> SourceIdentity {
        SourceIdentity(format: "rawLines", path: FileSystem.absolute(root), options: dateField.map { ["dateField": $0.name] } ?? [:])
    }

    func makeSource(metadataPath: String) throws -> any StreamSource {
        var options = FileSourceOptions()
        options.badRecordsPath = badRecordsPath
        let reader = RawLinesReader(dateField: dateField, keepsBadRecords: badRecordsPath != nil)
        return try FileStreamSource(root: root, dataSchema: RawTable.schema, options: options, metadataPath: metadataPath) { _ in reader }
    }
}
