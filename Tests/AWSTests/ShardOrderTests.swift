import Testing

@testable import AWS

@Suite struct ShardOrderTests {
    func shard(_ id: String, _ start: String, parent: String? = nil, adjacent: String? = nil, end: String? = nil) -> KinesisShard {
        KinesisShard(
            shardId: id, parentShardId: parent, adjacentParentShardId: adjacent, startingSequenceNumber: SequenceNumber(start)!,
            endingSequenceNumber: end.flatMap(SequenceNumber.init))
    }

    /// 0 and 1 are the first shards; 0 split into 2 and 3; 3 and 1 merged into 4.
    var reshardedStream: [KinesisShard] {
        [
            shard("shardId-000000000004", "500", parent: "shardId-000000000003", adjacent: "shardId-000000000001"),
            shard("shardId-000000000003", "300", parent: "shardId-000000000000", end: "499"),
            shard("shardId-000000000002", "300", parent: "shardId-000000000000"),
            shard("shardId-000000000001", "100", end: "499"),
            shard("shardId-000000000000", "100", end: "299"),
        ]
    }

    @Test func parentsComeBeforeChildrenAfterSplitAndMerge() {
        let order = shardOrder(reshardedStream).map(\.shardId)
        #expect(order == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003", "shardId-000000000004"])
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for s in reshardedStream {
            for p in s.parentIds { #expect(position[p]! < position[s.shardId]!) }
        }
    }

    @Test func sequenceNumbersOrderRootsNumerically() {
        // "99" sorts after "100" as text.
        let order = shardOrder([shard("b", "100"), shard("a", "99"), shard("c", "100")]).map(\.shardId)
        #expect(order == ["a", "b", "c"])
    }

    @Test func parentsPastRetentionAreIgnored() {
        let order = shardOrder([shard("child", "10", parent: "gone"), shard("other", "5")]).map(\.shardId)
        #expect(order == ["other", "child"])
    }

    @Test func readableShardsWaitForAllParents() {
        let all = reshardedStream
        #expect(readableShards(all, finished: []).map(\.shardId) == ["shardId-000000000000", "shardId-000000000001"])
        #expect(readableShards(all, finished: ["shardId-000000000000"]).map(\.shardId)
                == ["shardId-000000000001", "shardId-000000000002", "shardId-000000000003"])
        // The merge child needs both parents.
        #expect(!readableShards(all, finished: ["shardId-000000000000", "shardId-000000000003"]).map(\.shardId).contains("shardId-000000000004"))
        #expect(readableShards(all, finished: ["shardId-000000000000", "shardId-000000000001", "shardId-000000000003"]).map(\.shardId)
                == ["shardId-000000000002", "shardId-000000000004"])
    }
}
