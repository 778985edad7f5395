import Foundation
import Testing

@testable import AWS

/// KPL-aggregated records built here by hand (the format of amazon-kinesis-producer's
/// `aggregation-format.md`) are split into their user records.
@Suite struct KPLAggregationTests {
    /// A protobuf writer for the test's records.
    struct Proto {
        var bytes: [UInt8] = []
        mutating func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                bytes.append(UInt8(v & 0x7f) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
        mutating func field(_ n: UInt64, varint v: UInt64) {
            varint(n << 3)
            varint(v)
        }
        mutating func field(_ n: UInt64, bytes b: [UInt8]) {
            varint(n << 3 | 2)
            varint(UInt64(b.count))
            bytes += b
        }
    }

    struct UserRecord {
        var pk: UInt64
        var ehk: UInt64?
        var data: [UInt8]
        var tag: Bool = false
    }

    static func aggregate(partitionKeys: [String], hashKeys: [String], records: [UserRecord]) -> [UInt8] {
        var p = Proto()
        for k in partitionKeys { p.field(1, bytes: Array(k.utf8)) }
        for k in hashKeys { p.field(2, bytes: Array(k.utf8)) }
        for r in records {
            var inner = Proto()
            inner.field(1, varint: r.pk)
            if let ehk = r.ehk { inner.field(2, varint: ehk) }
            inner.field(3, bytes: r.data)
            if r.tag {
                var tag = Proto()
                tag.field(1, bytes: Array("k".utf8))
                tag.field(2, bytes: Array("v".utf8))
                inner.field(4, bytes: tag.bytes)
            }
            p.field(3, bytes: inner.bytes)
        }
        return KPLAggregation.magic + p.bytes + Hashing.md5(p.bytes)
    }

    static let seq = SequenceNumber("49590338271490256608559692538361571095921575989136588898")!
    static let arrival = Date(timeIntervalSince1970: 1_795_600_801)

    func record(_ data: [UInt8]) -> KinesisRecord {
        KinesisRecord(data: data, partitionKey: "outer", sequenceNumber: Self.seq, approximateArrivalTimestamp: Self.arrival)
    }

    @Test func splitsAnAggregateIntoItsUserRecords() {
        let payload300 = [UInt8](repeating: 0xAB, count: 300)  // a length that needs a two-byte varint
        let data = Self.aggregate(
            partitionKeys: ["user-1", "user-2"], hashKeys: ["170141183460469231731687303715884105728"],
            records: [UserRecord(pk: 0, ehk: nil, data: Array("{\"a\":1}".utf8)),
                      UserRecord(pk: 1, ehk: 0, data: payload300, tag: true),
                      UserRecord(pk: 0, ehk: nil, data: [])])
        let users = KPLAggregation.deaggregate(record(data))
        #expect(users.count == 3)
        #expect(users.map(\.partitionKey) == ["user-1", "user-2", "user-1"])
        #expect(users.map(\.explicitHashKey) == [nil, "170141183460469231731687303715884105728", nil])
        #expect(users.map(\.data) == [Array("{\"a\":1}".utf8), payload300, []])
        #expect(users.map(\.subSequenceNumber) == [0, 1, 2])
        #expect(users.allSatisfy { $0.sequenceNumber == Self.seq && $0.approximateArrivalTimestamp == Self.arrival })
    }

    @Test func plainRecordPassesThroughWhole() {
        let users = KPLAggregation.deaggregate(record(Array("plain".utf8)))
        #expect(users.count == 1)
        #expect(users[0].data == Array("plain".utf8))
        #expect(users[0].partitionKey == "outer")
        #expect(users[0].subSequenceNumber == nil)
    }

    @Test func md5MismatchIsTreatedAsAPlainRecord() {
        var data = Self.aggregate(partitionKeys: ["k"], hashKeys: [], records: [UserRecord(pk: 0, data: [1, 2, 3])])
        data[data.count - 1] ^= 0xFF
        let users = KPLAggregation.deaggregate(record(data))
        #expect(users.count == 1)
        #expect(users[0].data == data)
        #expect(users[0].subSequenceNumber == nil)
    }

    @Test func undecodableAggregateWithGoodMD5IsAPlainRecord() {
        // Partition key index 5 of a one-entry table; and a length running past the end.
        let badIndex = Self.aggregate(partitionKeys: ["k"], hashKeys: [], records: [UserRecord(pk: 5, data: [1])])
        var truncated = Proto()
        truncated.varint(1 << 3 | 2)
        truncated.varint(50)
        truncated.bytes += [1, 2]
        let badLength = KPLAggregation.magic + truncated.bytes + Hashing.md5(truncated.bytes)
        for data in [badIndex, badLength] {
            let users = KPLAggregation.deaggregate(record(data))
            #expect(users.count == 1)
            #expect(users[0].data == data)
        }
    }

    @Test func deaggregatesAMixOfRecordsInOrder() {
        let agg = Self.aggregate(partitionKeys: ["k"], hashKeys: [], records: [UserRecord(pk: 0, data: [1]), UserRecord(pk: 0, data: [2])])
        let users = KPLAggregation.deaggregate([record([9]), record(agg), record([8])])
        #expect(users.map(\.data) == [[9], [1], [2], [8]])
    }
}
