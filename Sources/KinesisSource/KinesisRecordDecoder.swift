import AWS
import Foundation
import Streaming

/// Turns user records into rows: the data columns (the raw `data` string, or what the JSON-lines
/// or CSV reader makes of the record's lines), then the record's partition key, shard id,
/// sequence number and approximate arrival time, repeated on every row the record gave.
struct KinesisRecordDecoder: Sendable {
    static let metadataFields = [
        Field(KinesisSourceProvider.partitionKeyColumn, .string),
        Field(KinesisSourceProvider.shardIdColumn, .string),
        Field(KinesisSourceProvider.sequenceNumberColumn, .string),
        Field(KinesisSourceProvider.arrivalTimeColumn, .timestamp),
    ]

    let stream: String
    let format: KinesisDataFormat
    let reader: (any RecordFileReader)?
    let mode: MalformedMode
    /// The CSV header line put before each record's lines (records carry none).
    let csvHeader: [UInt8]
    let schema: Schema

    init(options: KinesisSourceOptions) throws {
        stream = options.stream
        format = options.dataFormat
        mode = options.effectiveReader.mode
        let dataSchema: Schema
        switch options.dataFormat {
        case .raw:
            reader = nil
            csvHeader = []
            dataSchema = Schema([Field(KinesisSourceProvider.dataColumn, .string)])
        case .jsonLines, .csv:
            guard let declared = options.schema else {
                throw KinesisSourceError.invalidOption("Kinesis data as \(options.dataFormat == .csv ? "CSV" : "JSON lines") needs a schema: call .schema(...) before load()")
            }
            if options.dataFormat == .csv {
                let r = CSVReader(schema: declared, options: options.effectiveReader)
                reader = r
                let delimiter = String(options.reader.delimiter)
                csvHeader = Array((declared.fields.map { FieldPath.columnName($0.name) }.map(Self.csvQuoted).joined(separator: delimiter) + "\n").utf8)
                dataSchema = r.outputSchema
            } else {
                let r = JSONLinesReader(schema: declared, options: options.effectiveReader)
                reader = r
                csvHeader = []
                dataSchema = r.outputSchema
            }
        }
        for f in Self.metadataFields where dataSchema.field(f.name) != nil {
            throw KinesisSourceError.invalidOption("the schema declares a column \(f.name), which the Kinesis source adds itself; rename the field")
        }
        schema = Schema(dataSchema.fields + Self.metadataFields)
    }

    /// Where a record came from, as bad records and errors name it.
    func origin(_ shardId: String, _ r: KinesisUserRecord) -> String {
        "kinesis://\(stream)/\(shardId)/\(r.sequenceNumber)" + (r.subSequenceNumber.map { ".\($0)" } ?? "")
    }

    /// The rows of the records, shard after shard, and the rejected records by shard.
    func decode(_ shards: [(shardId: String, records: [KinesisUserRecord])]) throws -> (batch: RecordBatch, bad: [(shardId: String, records: [BadRecord])]) {
        var dataParts: [RecordBatch] = []
        var keys = StringArray(), ids = StringArray(), seqs = StringArray()
        var arrivals: [Int64] = []
        var arrivalValid: [Bool] = []
        var bad: [(shardId: String, records: [BadRecord])] = []
        var rawData = StringArray()
        for (shardId, records) in shards {
            var rejected: [BadRecord] = []
            for r in records {
                let rows: Int
                if let reader {
                    var input = csvHeader
                    input += r.data
                    let path = origin(shardId, r)
                    let result = try input.withUnsafeBytes { try reader.read(bytes: $0, path: path) }
                    rows = result.batch.rowCount
                    if rows > 0 { dataParts.append(result.batch) }
                    rejected += result.badRecords.map { b in
                        var b = b
                        if !csvHeader.isEmpty { b.line -= 1 }
                        return b
                    }
                } else {
                    if String(validating: r.data, as: UTF8.self) == nil {
                        let b = BadRecord(path: origin(shardId, r), line: 1, reason: "the record's data is not valid UTF-8", text: String(decoding: r.data, as: UTF8.self))
                        if mode == .failFast { throw ReadError(path: b.path, line: 1, reason: b.reason) }
                        rejected.append(b)
                        if mode == .dropMalformed { continue }
                        rawData.append(b.text)
                    } else {
                        rawData.append(contentsOf: r.data)
                    }
                    rows = 1
                }
                for _ in 0..<rows {
                    keys.append(r.partitionKey)
                    ids.append(shardId)
                    seqs.append(r.sequenceNumber.digits)
                    if let t = r.approximateArrivalTimestamp {
                        arrivals.append(Int64((t.timeIntervalSince1970 * 1_000_000).rounded()))
                        arrivalValid.append(true)
                    } else {
                        arrivals.append(0)
                        arrivalValid.append(false)
                    }
                }
            }
            if !rejected.isEmpty { bad.append((shardId, rejected)) }
        }
        let dataColumns: [Column]
        if reader == nil {
            dataColumns = [.strings(rawData)]
        } else {
            let dataSchema = Schema(Array(schema.fields.dropLast(Self.metadataFields.count)))
            dataColumns = try RecordBatch.concat(dataParts, schema: dataSchema).columns
        }
        let validity = arrivalValid.allSatisfy { $0 } ? nil : Bitmap(arrivalValid)
        let columns = dataColumns + [.strings(keys), .strings(ids), .strings(seqs), .timestamps(arrivals, validity: validity)]
        return (try RecordBatch(schema: schema, columns: columns), bad)
    }

    static func csvQuoted(_ name: String) -> String {
        name.contains(where: { $0 == "\"" || $0 == "," || $0 == "\n" || $0 == ";" || $0 == "\t" })
            ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
    }
}
