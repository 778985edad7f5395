/// Orders shards so that every parent comes before its children: after a split the parent is
/// read to its end before either child, after a merge both parents before the child, which keeps
/// the records of one partition key in order across a reshard (Kinesis developer guide,
/// "Resharding a stream"). Parents no longer listed (past retention) are ignored. Among shards
/// free to go, the one with the lower starting sequence number, then shard id, comes first.
public func shardOrder(_ shards: [KinesisShard]) -> [KinesisShard] {
    let byId = Dictionary(shards.map { ($0.shardId, $0) }, uniquingKeysWith: { first, _ in first })
    var pendingParents: [String: Int] = [:]
    var children: [String: [String]] = [:]
    for shard in byId.values {
        let parents = Set(shard.parentIds.filter { byId[$0] != nil && $0 != shard.shardId })
        pendingParents[shard.shardId] = parents.count
        for p in parents { children[p, default: []].append(shard.shardId) }
    }
    func before(_ a: KinesisShard, _ b: KinesisShard) -> Bool {
        a.startingSequenceNumber != b.startingSequenceNumber ? a.startingSequenceNumber < b.startingSequenceNumber : a.shardId < b.shardId
    }
    var ready = byId.values.filter { pendingParents[$0.shardId] == 0 }
    var order: [KinesisShard] = []
    while !ready.isEmpty {
        ready.sort { before($1, $0) }  // the next shard is at the end
        let shard = ready.removeLast()
        order.append(shard)
        for c in children[shard.shardId] ?? [] {
            pendingParents[c]! -= 1
            if pendingParents[c] == 0 { ready.append(byId[c]!) }
        }
    }
    // A parent cycle cannot come from Kinesis; should a listing hold one, its shards still come
    // last rather than vanish.
    if order.count < byId.count {
        let placed = Set(order.map(\.shardId))
        order += byId.values.filter { !placed.contains($0.shardId) }.sorted(by: before)
    }
    return order
}

/// The shards that may be read now: not yet `finished` (read to the end of a closed shard), and
/// every listed parent finished. An open shard is never finished.
public func readableShards(_ shards: [KinesisShard], finished: Set<String>) -> [KinesisShard] {
    let listed = Set(shards.map(\.shardId))
    return shardOrder(shards).filter { shard in
        !finished.contains(shard.shardId) && shard.parentIds.allSatisfy { !listed.contains($0) || finished.contains($0) }
    }
}
