import Streaming

/// Adds the raw table's `date` column to a source of `RawTable.sourceSchema` rows (the Kinesis
/// source's raw records): the UTC day of `arrival_time`, or of the `--date-field` timestamp.
///
/// Records without a usable date are bad records: written to
/// `<badRecordsPath>/batch=<id>/records.json` (rewritten whole when a batch is re-run, so a
/// crash never duplicates them) and left out, or, without a bad-records path, the batch fails
/// naming the record (`kinesis://stream/shard/sequence number`).
struct DatedSourceProvider: SourceProvider {
    let inner: any SourceProvider
    let dateField: DateField?
    let badRecordsPath: String?
    /// Names a record in errors and bad records, from its row.
    let origin: @Sendable (RecordBatch, Int) -> String

    var schema: Schema { RawTable.schema }
    var readLimit: ReadLimit { inner.readLimit }
    func identity() throws -> SourceIdentity { try inner.identity() }

    func makeSource(metadataPath: String) throws -> any StreamSource {
        DatedSource(inner: try inner.makeSource(metadataPath: metadataPath), provider: self)
    }
}

final class DatedSource: StreamSource {
    let inner: any StreamSource
    let provider: DatedSourceProvider
    var schema: Schema { RawTable.schema }
    var description: String { inner.description }

    init(inner: any StreamSource, provider: DatedSourceProvider) {
        self.inner = inner
        self.provider = provider
    }

    func latestOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset? { try inner.latestOffset(start: start, limit: limit) }
    func prepareForAvailableNow() throws { try inner.prepareForAvailableNow() }
    func commit(_ end: SourceOffset) throws { try inner.commit(end) }

    func getBatch(start: SourceOffset?, end: SourceOffset, batchId: Int64) throws -> SourceBatch {
        let source = try inner.getBatch(start: start, end: end, batchId: batchId)
        let input = try source.combined()
        guard input.schema == RawTable.sourceSchema else {
            throw ReadError(path: inner.description, line: nil, reason: "internal: the source's columns \(input.schema.names) are not the raw table's")
        }
        let n = input.rowCount
        var days = [Int32](repeating: 0, count: n)
        var keep = [Bool](repeating: true, count: n)
        var bad: [BadRecord] = []
        let data = input.columns[0].stringValues
        func reject(_ i: Int, _ reason: String) {
            keep[i] = false
            bad.append(BadRecord(path: provider.origin(input, i), line: 1, reason: reason, text: data[i]))
        }
        if let field = provider.dateField {
            for (i, t) in try field.timestamps(data, origin: inner.description).enumerated() {
                if let t { days[i] = utcDay(micros: t) } else { reject(i, field.problem) }
            }
        } else {
            let arrival = input.columns[4]
            let micros = arrival.int64Values
            for i in 0..<n {
                if arrival.isValid(i) { days[i] = utcDay(micros: micros[i]) } else { reject(i, "the record has no arrival time") }
            }
        }
        if let first = bad.first, provider.badRecordsPath == nil {
            throw ReadError(path: first.path, line: nil, reason: first.reason + "; pass --bad-records PATH to set such records aside")
        }
        var output = try RecordBatch(schema: RawTable.schema, columns: input.columns + [.dates(days)])
        if let dir = provider.badRecordsPath, !bad.isEmpty {
            try BadRecordsWriter.write(bad, to: FilePaths.join(dir, "batch=\(batchId)", "records.json"))
            output = output.filter(keep)
        }
        return SourceBatch(
            parts: [output], schema: RawTable.schema, malformedRows: source.malformedRows + bad.count,
            numInputRows: source.numInputRows, metrics: source.metrics)
    }
}
