import Foundation

/// A user record: a plain Kinesis record, or one of the records the Kinesis Producer Library
/// packed into an aggregated one.
public struct KinesisUserRecord: Sendable, Hashable {
    public var data: [UInt8]
    public var partitionKey: String
    public var explicitHashKey: String?
    /// The Kinesis record's sequence number (shared by all records of one aggregate).
    public var sequenceNumber: SequenceNumber
    /// The index within the aggregate; nil for a record that was not aggregated. Together with
    /// `sequenceNumber` it orders and identifies user records.
    public var subSequenceNumber: Int?
    public var approximateArrivalTimestamp: Date?
}

/// De-aggregation of KPL records. The KPL's aggregation format ("KPL Aggregation Format",
/// amazon-kinesis-producer's `aggregation-format.md`): the magic bytes `F3 89 9A C2`, a protobuf
/// `AggregatedRecord` { repeated string partition_key_table = 1; repeated string
/// explicit_hash_key_table = 2; repeated Record records = 3 }, each Record { uint64
/// partition_key_index = 1; uint64 explicit_hash_key_index = 2; bytes data = 3; tags = 4 }, and
/// the MD5 of the protobuf bytes.
public enum KPLAggregation {
    public static let magic: [UInt8] = [0xF3, 0x89, 0x9A, 0xC2]

    /// The user records in `record`. A record without the magic, with a wrong MD5 or with a
    /// protobuf that does not decode (bad index, truncated field) is returned whole as one plain
    /// record, as the Kinesis Client Library does: nothing is dropped.
    public static func deaggregate(_ record: KinesisRecord) -> [KinesisUserRecord] {
        if let users = aggregatedUserRecords(record) { return users }
        return [KinesisUserRecord(
            data: record.data, partitionKey: record.partitionKey, explicitHashKey: nil,
            sequenceNumber: record.sequenceNumber, subSequenceNumber: nil,
            approximateArrivalTimestamp: record.approximateArrivalTimestamp)]
    }

    public static func deaggregate(_ records: [KinesisRecord]) -> [KinesisUserRecord] {
        records.flatMap(deaggregate)
    }

    private static func aggregatedUserRecords(_ record: KinesisRecord) -> [KinesisUserRecord]? {
        let data = record.data
        guard data.count >= magic.count + 16, Array(data[0..<magic.count]) == magic else { return nil }
        let message = data[magic.count..<(data.count - 16)]
        guard Hashing.md5(message) == Array(data[(data.count - 16)...]) else { return nil }
        do {
            var partitionKeys: [String] = []
            var hashKeys: [String] = []
            var entries: [(pk: UInt64, ehk: UInt64?, data: ArraySlice<UInt8>)] = []
            var reader = ProtobufReader(message)
            while !reader.atEnd {
                let (field, value) = try reader.next()
                switch (field, value) {
                case (1, .bytes(let b)): partitionKeys.append(try string(b))
                case (2, .bytes(let b)): hashKeys.append(try string(b))
                case (3, .bytes(let b)): entries.append(try entry(b))
                case (1...3, _): throw ProtobufReader.Malformed()
                default: break
                }
            }
            return try entries.enumerated().map { index, e in
                guard e.pk < UInt64(partitionKeys.count) else { throw ProtobufReader.Malformed() }
                var ehk: String?
                if let i = e.ehk {
                    guard i < UInt64(hashKeys.count) else { throw ProtobufReader.Malformed() }
                    ehk = hashKeys[Int(i)]
                }
                return KinesisUserRecord(
                    data: Array(e.data), partitionKey: partitionKeys[Int(e.pk)], explicitHashKey: ehk,
                    sequenceNumber: record.sequenceNumber, subSequenceNumber: index,
                    approximateArrivalTimestamp: record.approximateArrivalTimestamp)
            }
        } catch {
            return nil
        }
    }

    private static func entry(_ bytes: ArraySlice<UInt8>) throws -> (pk: UInt64, ehk: UInt64?, data: ArraySlice<UInt8>) {
        var pk: UInt64?
        var ehk: UInt64?
        var data: ArraySlice<UInt8>?
        var reader = ProtobufReader(bytes)
        while !reader.atEnd {
            let (field, value) = try reader.next()
            switch (field, value) {
            case (1, .varint(let v)): pk = v
            case (2, .varint(let v)): ehk = v
            case (3, .bytes(let b)): data = b
            case (1...3, _): throw ProtobufReader.Malformed()
            default: break  // tags
            }
        }
        // partition_key_index and data are `required` in the format.
        guard let pk, let data else { throw ProtobufReader.Malformed() }
        return (pk, ehk, data)
    }

    private static func string(_ bytes: ArraySlice<UInt8>) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else { throw ProtobufReader.Malformed() }
        return s
    }
}
