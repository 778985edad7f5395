@testable import AWS
import AWSTestSupport
import Foundation
import KinesisSource
import Synchronization

/// An in-memory Kinesis stream that behaves as AWS documents where moto does not: records put
/// after a split or merge go to the children, a closed shard's last page has no next iterator,
/// and records past retention can be trimmed away. Sequence numbers rise across the stream.
final class FakeKinesis: KinesisReading {
    struct Shard {
        var id: String
        var parents: [String] = []
        var records: [KinesisRecord] = []
        var closed = false
        /// Records before this index are gone (past retention).
        var trimmed = 0
    }

    private let state = Mutex<(shards: [Shard], nextSeq: Int)>(([], 1))
    /// GetRecords calls so far.
    let getRecordsCalls = Atomic<Int>(0)

    init(shards: [String]) {
        state.withLock { $0.shards = shards.map { Shard(id: $0) } }
    }

    /// Puts one record per item into `shard`; returns their sequence numbers.
    @discardableResult
    func put(_ shard: String, _ data: [String], key: String = "pk", data raw: [[UInt8]]? = nil) -> [SequenceNumber] {
        state.withLock { s in
            let i = s.shards.firstIndex { $0.id == shard }!
            precondition(!s.shards[i].closed, "put into closed shard \(shard)")
            return (raw ?? data.map { Array($0.utf8) }).map { bytes in
                let seq = SequenceNumber(String(s.nextSeq))!
                s.nextSeq += 1
                s.shards[i].records.append(KinesisRecord(data: bytes, partitionKey: key, sequenceNumber: seq, approximateArrivalTimestamp: Date()))
                return seq
            }
        }
    }

    func split(_ parent: String, into children: [String]) {
        state.withLock { s in
            s.shards[s.shards.firstIndex { $0.id == parent }!].closed = true
            s.shards += children.map { Shard(id: $0, parents: [parent]) }
        }
    }

    func merge(_ a: String, _ b: String, into child: String) {
        state.withLock { s in
            for p in [a, b] { s.shards[s.shards.firstIndex { $0.id == p }!].closed = true }
            s.shards.append(Shard(id: child, parents: [a, b]))
        }
    }

    /// Drops the first `count` records of the shard, as retention does.
    func trim(_ shard: String, _ count: Int) {
        state.withLock { s in s.shards[s.shards.firstIndex { $0.id == shard }!].trimmed = count }
    }

    func listShards(stream: String) throws -> [KinesisShard] {
        state.withLock { s in
            s.shards.map { shard in
                KinesisShard(
                    shardId: shard.id, parentShardId: shard.parents.first, adjacentParentShardId: shard.parents.dropFirst().first,
                    startingSequenceNumber: SequenceNumber("0")!,
                    endingSequenceNumber: shard.closed ? (shard.records.last?.sequenceNumber ?? SequenceNumber("0")!) : nil)
            }
        }
    }

    func getShardIterator(stream: String, shardId: String, position: ShardIteratorPosition) throws -> ShardIterator {
        let index = state.withLock { s -> Int in
            let shard = s.shards.first { $0.id == shardId }!
            let kept = shard.records.indices.dropFirst(shard.trimmed)
            switch position {
            case .trimHorizon: return shard.trimmed
            case .latest: return shard.records.count
            case .atSequenceNumber(let n): return kept.first { shard.records[$0].sequenceNumber >= n } ?? shard.records.count
            case .afterSequenceNumber(let n): return kept.first { shard.records[$0].sequenceNumber > n } ?? shard.records.count
            case .atTimestamp(let t): return kept.first { shard.records[$0].approximateArrivalTimestamp! >= t } ?? shard.records.count
            }
        }
        return ShardIterator(value: "\(shardId)@\(index)", stream: stream, shardId: shardId)
    }

    func getRecords(_ iterator: ShardIterator, limit: Int?) throws -> KinesisRecordBatch {
        getRecordsCalls.add(1, ordering: .relaxed)
        return state.withLock { s in
            let shard = s.shards.first { $0.id == iterator.shardId }!
            let start = max(Int(iterator.value.split(separator: "@")[1])!, shard.trimmed)
            let end = min(shard.records.count, start + (limit ?? 10_000))
            let atEnd = end == shard.records.count
            return KinesisRecordBatch(
                records: Array(shard.records[start..<end]),
                nextShardIterator: atEnd && shard.closed ? nil : ShardIterator(value: "\(shard.id)@\(end)", stream: iterator.stream, shardId: shard.id),
                millisBehindLatest: atEnd ? 0 : 1000, childShardIds: [])
        }
    }
}
