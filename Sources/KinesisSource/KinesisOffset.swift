import AWS
import Foundation
import Streaming

/// Where the source stands in one shard, as `offsets/N` records it.
struct ShardPosition: Codable, Sendable, Equatable {
    /// Where reading this shard began before anything was taken: `TRIM_HORIZON` or
    /// `AT_TIMESTAMP:<epoch ms>`. Kept for good, so any batch can be re-run from the offsets alone.
    var from: String
    /// The Kinesis record taken last; nil while nothing was taken.
    var seq: SequenceNumber?
    /// The last user record taken out of that record when it is a KPL aggregate.
    var sub: Int?
    /// The shard is closed and was read to its end (GetRecords gave no next iterator): its
    /// children may be read.
    var closed: Bool?

    init(from: String, seq: SequenceNumber? = nil, sub: Int? = nil, closed: Bool? = nil) {
        self.from = from
        self.seq = seq
        self.sub = sub
        self.closed = closed
    }

    var isFinished: Bool { closed == true }

    /// The last user record taken, if any.
    var last: UserRecordKey? { seq.map { UserRecordKey(seq: $0, sub: sub) } }

    static let trimHorizon = "TRIM_HORIZON"

    static func atTimestamp(_ ms: Int64) -> String { "AT_TIMESTAMP:\(ms)" }

    /// The iterator position of `from`.
    func startPosition() throws -> ShardIteratorPosition {
        if from == Self.trimHorizon { return .trimHorizon }
        if from.hasPrefix("AT_TIMESTAMP:"), let ms = Int64(from.dropFirst("AT_TIMESTAMP:".count)) {
            return .atTimestamp(Date(timeIntervalSince1970: Double(ms) / 1000))
        }
        throw KinesisSourceError.badOffset("unknown starting position '\(from)'")
    }
}

/// A user record's place in a shard: the Kinesis record's sequence number, then its index in a
/// KPL aggregate (nil for a record that is not an aggregate).
struct UserRecordKey: Sendable, Equatable, Comparable {
    var seq: SequenceNumber
    var sub: Int?

    init(seq: SequenceNumber, sub: Int?) {
        self.seq = seq
        self.sub = sub
    }

    init(_ r: KinesisUserRecord) { self.init(seq: r.sequenceNumber, sub: r.subSequenceNumber) }

    static func < (a: UserRecordKey, b: UserRecordKey) -> Bool {
        if a.seq != b.seq { return a.seq < b.seq }
        return (a.sub ?? -1) < (b.sub ?? -1)
    }

    /// Whether `record` comes at or before this key. A key without `sub` covers every user
    /// record of its Kinesis record (the whole aggregate was taken).
    func covers(_ record: UserRecordKey) -> Bool {
        if record.seq != seq { return record.seq < seq }
        guard let sub else { return true }
        return (record.sub ?? -1) <= sub
    }
}

/// The source's offset: every shard it knows of, by id. Encoded with sorted keys, so equal
/// positions give equal text (the engine compares offsets as text to see whether data moved).
struct KinesisOffset: Codable, Sendable, Equatable {
    var stream: String
    var shards: [String: ShardPosition]

    var sourceOffset: SourceOffset {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings, integers and booleans cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return SourceOffset(json: String(decoding: data, as: UTF8.self))
    }

    init(stream: String, shards: [String: ShardPosition]) {
        self.stream = stream
        self.shards = shards
    }

    init(_ offset: SourceOffset, expectedStream: String) throws {
        do {
            self = try JSONDecoder().decode(KinesisOffset.self, from: Data(offset.json.utf8))
        } catch {
            throw KinesisSourceError.badOffset("offset \(offset.json) was not written by a Kinesis source: \(error)")
        }
        guard stream == expectedStream else {
            throw KinesisSourceError.badOffset("offset \(offset.json) is for stream \(stream), not \(expectedStream)")
        }
    }
}
