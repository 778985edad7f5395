import Foundation
import Testing

import AWSTestSupport
@testable import AWS

/// The Kinesis client against moto's Kinesis on loopback. boto3 creates and reshards streams
/// and puts records (and reports where each landed); the client must read back exactly those.
@Suite(.motoServer, .enabled(if: Moto.available, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct KinesisMotoTests {
    /// What boto3 put: data, partition key, shard and sequence number of each record.
    struct Put: Hashable {
        var data: String
        var partitionKey: String
        var shardId: String
        var sequenceNumber: SequenceNumber
    }

    static let setup = Boto.kinesis + """
        def put(name, prefix, count):
            out = []
            for start in range(0, count, 100):
                batch = [{"Data": f"{prefix}-{i}".encode(), "PartitionKey": f"pk-{i % 37}"} for i in range(start, min(count, start + 100))]
                res = k.put_records(StreamName=name, Records=batch)
                assert res.get("FailedRecordCount", 0) == 0, res
                for rec, r in zip(batch, res["Records"]):
                    out.append([rec["Data"].decode(), rec["PartitionKey"], r["ShardId"], r["SequenceNumber"]])
            return out

        """

    func puts(_ json: Any) throws -> [Put] {
        let rows = try #require(json as? [[String]])
        return try rows.map { try Put(data: $0[0], partitionKey: $0[1], shardId: $0[2], sequenceNumber: #require(SequenceNumber($0[3]))) }
    }

    func client(_ retry: RetryPolicy = .standard) throws -> KinesisClient { KinesisClient(configuration: try Moto.configuration(retry: retry)) }

    /// Reads a shard from `position` until GetRecords has nothing more (or the shard ends).
    func readShard(_ k: KinesisClient, _ stream: String, _ shardId: String, from position: ShardIteratorPosition = .trimHorizon, limit: Int = 7) throws -> [KinesisRecord] {
        var iterator: ShardIterator? = try k.getShardIterator(stream: stream, shardId: shardId, position: position)
        var records: [KinesisRecord] = []
        while let it = iterator {
            let batch = try k.getRecords(it, limit: limit)
            #expect(batch.records.count <= limit)
            records += batch.records
            if batch.records.isEmpty { break }
            iterator = batch.nextShardIterator
        }
        return records
    }

    @Test func readsEveryRecordInPerShardOrder() throws {
        let stream = "orders-\(UUID().uuidString.prefix(8))"
        let put = try puts(Boto.run(Self.setup + """
            k.create_stream(StreamName=args["stream"], ShardCount=4)
            wait_active(args["stream"])
            done(put(args["stream"], "record", 300))
            """, endpoint: try Moto.url, args: ["stream": stream]))
        let k = try client()

        let summary = try k.describeStreamSummary(stream: stream)
        #expect(summary.streamName == stream)
        #expect(summary.status == "ACTIVE")
        #expect(summary.openShardCount == 4)
        #expect(summary.streamARN.hasSuffix(":stream/\(stream)"))

        // One page: moto 5.2 refuses a NextToken without the stream name, which AWS requires
        // (pagination is tested with canned answers).
        let shards = try k.listShards(stream: stream)
        #expect(shards.count == 4)
        #expect(Set(put.map(\.shardId)).count == 4)  // 37 partition keys spread over all shards
        #expect(Set(put.map(\.shardId)).isSubset(of: shards.map(\.shardId)))
        #expect(shards.allSatisfy { !$0.isClosed && $0.parentShardId == nil })

        var read: [Put] = []
        for shard in shards {
            let records = try readShard(k, stream, shard.shardId)
            let expected = put.filter { $0.shardId == shard.shardId }.sorted { $0.sequenceNumber < $1.sequenceNumber }
            let got = records.map { Put(data: String(decoding: $0.data, as: UTF8.self), partitionKey: $0.partitionKey, shardId: shard.shardId, sequenceNumber: $0.sequenceNumber) }
            #expect(got == expected, "shard \(shard.shardId)")
            #expect(zip(records, records.dropFirst()).allSatisfy { $0.sequenceNumber < $1.sequenceNumber })
            #expect(records.allSatisfy { $0.approximateArrivalTimestamp.map { abs($0.timeIntervalSinceNow) < 600 } == true })
            read += got
        }
        #expect(read.count == 300)
        #expect(Set(read) == Set(put))

        // AT_ and AFTER_SEQUENCE_NUMBER from the middle of the busiest shard.
        let busiest = Dictionary(grouping: put, by: \.shardId).max { $0.value.count < $1.value.count }!
        let ordered = busiest.value.sorted { $0.sequenceNumber < $1.sequenceNumber }
        let middle = ordered[ordered.count / 2]
        let at = try readShard(k, stream, busiest.key, from: .atSequenceNumber(middle.sequenceNumber))
        #expect(at.map(\.sequenceNumber) == ordered[(ordered.count / 2)...].map(\.sequenceNumber))
        let after = try readShard(k, stream, busiest.key, from: .afterSequenceNumber(middle.sequenceNumber))
        #expect(after.map(\.sequenceNumber) == ordered[(ordered.count / 2 + 1)...].map(\.sequenceNumber))
        let sinceLongAgo = try readShard(k, stream, busiest.key, from: .atTimestamp(Date(timeIntervalSinceNow: -3600)))
        #expect(sinceLongAgo.count == ordered.count)

        // LATEST sees only what is put afterwards.
        let latest = try k.getShardIterator(stream: stream, shardId: busiest.key, position: .latest)
        #expect(try k.getRecords(latest).records.isEmpty)
    }

    /// Split one shard, merge a child with its neighbour: ListShards shows the lineage,
    /// `shardOrder` puts parents first, and reading every shard to its end in that order returns
    /// every record once.
    @Test func splitAndMergeShowLineageAndShardOrder() throws {
        let stream = "reshard-\(UUID().uuidString.prefix(8))"
        let result = try #require(try Boto.run(Self.setup + """
            name = args["stream"]
            k.create_stream(StreamName=name, ShardCount=2)
            wait_active(name)
            before = put(name, "before", 40)
            shards = sorted(k.list_shards(StreamName=name)["Shards"], key=lambda s: int(s["HashKeyRange"]["StartingHashKey"]))
            low, high = shards[0], shards[1]
            lo, hi = int(low["HashKeyRange"]["StartingHashKey"]), int(low["HashKeyRange"]["EndingHashKey"])
            k.split_shard(StreamName=name, ShardToSplit=low["ShardId"], NewStartingHashKey=str((lo + hi) // 2))
            wait_active(name)
            after_split = put(name, "split", 40)
            children = [s for s in k.list_shards(StreamName=name)["Shards"] if s.get("ParentShardId") == low["ShardId"]]
            upper_child = max(children, key=lambda s: int(s["HashKeyRange"]["StartingHashKey"]))
            k.merge_shards(StreamName=name, ShardToMerge=upper_child["ShardId"], AdjacentShardToMerge=high["ShardId"])
            wait_active(name)
            after_merge = put(name, "merge", 40)
            done({"low": low["ShardId"], "high": high["ShardId"], "children": sorted(c["ShardId"] for c in children),
                  "upper_child": upper_child["ShardId"], "puts": before + after_split + after_merge})
            """, endpoint: try Moto.url, args: ["stream": stream]) as? [String: Any])
        let low = try #require(result["low"] as? String)
        let high = try #require(result["high"] as? String)
        let children = try #require(result["children"] as? [String])
        let upperChild = try #require(result["upper_child"] as? String)
        let put = try puts(result["puts"] as Any)

        let k = try client()
        let shards = try k.listShards(stream: stream)
        let byId = Dictionary(uniqueKeysWithValues: shards.map { ($0.shardId, $0) })
        #expect(shards.count == 5)
        #expect(byId[low]?.isClosed == true)
        #expect(byId[high]?.isClosed == true)
        for c in children { #expect(byId[c]?.parentShardId == low) }
        let merged = try #require(shards.first { $0.adjacentParentShardId != nil })
        #expect(Set(merged.parentIds) == [upperChild, high])
        #expect(byId[upperChild]?.isClosed == true)

        let order = shardOrder(shards).map(\.shardId)
        #expect(Set(order) == Set(byId.keys))
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for shard in shards {
            for parent in shard.parentIds { #expect(position[parent]! < position[shard.shardId]!, "\(parent) before \(shard.shardId)") }
        }
        #expect(readableShards(shards, finished: []).map(\.shardId).sorted() == [low, high].sorted())

        var read: [Put] = []
        for id in order {
            read += try readShard(k, stream, id, limit: 25).map {
                Put(data: String(decoding: $0.data, as: UTF8.self), partitionKey: $0.partitionKey, shardId: id, sequenceNumber: $0.sequenceNumber)
            }
        }
        // Every record put is read from the shard it went to, in sequence order.
        for shard in shards {
            let expected = put.filter { $0.shardId == shard.shardId }.sorted { $0.sequenceNumber < $1.sequenceNumber }
            #expect(read.filter { $0.shardId == shard.shardId && put.contains($0) } == expected, "shard \(shard.shardId)")
        }
        #expect(Set(put).isSubset(of: read))
        // moto 5.2 copies the adjacent parent's records into a merged shard (AWS starts it empty):
        // anything read beyond the puts must be such a copy, never an invented record.
        let copies = read.filter { !put.contains($0) }
        let adjacentParent = Set(put.filter { $0.shardId == high }.map { [$0.data, $0.sequenceNumber.digits] })
        #expect(copies.allSatisfy { $0.shardId == merged.shardId && adjacentParent.contains([$0.data, $0.sequenceNumber.digits]) })
    }

    @Test func missingStreamIsNotFound() throws {
        let error = try #require(throws: AWSError.self) {
            try client(fastRetry(2)).getShardIterator(stream: "no-such-stream", shardId: "shardId-000000000000", position: .trimHorizon)
        }
        #expect(error.kind == .notFound, "\(error)")
        #expect(error.code == "ResourceNotFoundException")
        #expect(error.resource == "stream no-such-stream shard shardId-000000000000")
        let summary = try #require(throws: AWSError.self) { try client().describeStreamSummary(stream: "no-such-stream") }
        #expect(summary.kind == .notFound)
    }
}
