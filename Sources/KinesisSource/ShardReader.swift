import AWS
import Foundation

/// What reading one shard for a batch found.
struct ShardRead: Sendable {
    /// The user records taken, in shard order.
    var records: [KinesisUserRecord] = []
    /// Bytes of their data.
    var bytes = 0
    /// The shard is closed and was read to its end.
    var finished = false
    /// An iterator just after the last record taken, when reading stopped at the end of a
    /// GetRecords answer (so the next batch can go on with it instead of asking for a new one).
    var nextIterator: ShardIterator?
    /// Records that were gone, found while reading (only when `failOnDataLoss` is off).
    var losses: [KinesisSourceError] = []
}

/// When to stop reading a shard.
struct ShardStop: Sendable {
    /// Kinesis records to take at most (an aggregate is taken whole).
    var maxRecords = Int.max
    var maxBytes = Int.max
    /// Take exactly the user records up to and including this one (a re-run batch).
    var through: UserRecordKey?
    /// Leave records that arrived after this time (an `availableNow` run's end).
    var arrivedBy: Date?
}

/// Reads one shard from a position: the only place that calls GetShardIterator and GetRecords.
///
/// Reading resumes at the record taken last (`AT_SEQUENCE_NUMBER`), not after it, and skips it:
/// if the first record Kinesis returns is a later one, the record taken last has expired, and
/// so may have records after it that the query never saw (data loss, which Kinesis does not
/// report otherwise because sequence numbers are not consecutive).
struct ShardReader: Sendable {
    let client: any KinesisReading
    let stream: String
    let failOnDataLoss: Bool
    /// GetRecords calls per shard and batch at most, so a shard answering empty pages while
    /// behind the tip (which Kinesis does across quiet stretches) cannot hold a batch up.
    var maxCallsPerBatch = 25

    /// - Parameter closed: ListShards, called before this read, showed the shard closed (it
    ///   has an ending sequence number): no record can be added to it any more, so an empty
    ///   answer at the tip is its end even from a service that never ends the iterator (moto).
    func read(_ shardId: String, from position: ShardPosition, iterator cached: ShardIterator?, stop: ShardStop, closed: Bool = false) throws -> ShardRead {
        var out = ShardRead()
        var iterator: ShardIterator
        // The record taken last, which the first answer must begin with.
        var mustFind: UserRecordKey?
        if let cached {
            iterator = cached
        } else {
            (iterator, mustFind) = try startIterator(shardId, position, &out)
        }
        var kinesisRecords = 0
        var calls = 0
        reading: while true {
            let want = stop.through == nil ? min(10_000, max(1, stop.maxRecords - kinesisRecords)) : 10_000
            let page: KinesisRecordBatch
            do {
                page = try client.getRecords(iterator, limit: want)
            } catch let e as AWSError where e.kind == .expiredIterator {
                // Iterators live five minutes: ask again where this read stands.
                var here = position
                if let r = out.records.last { here.seq = r.sequenceNumber; here.sub = r.subSequenceNumber }
                (iterator, mustFind) = try startIterator(shardId, here, &out)
                continue
            }
            calls += 1
            if let expected = mustFind, let first = page.records.first {
                mustFind = nil
                if first.sequenceNumber != expected.seq {
                    try lost(shardId, "the record read last (sequence number \(expected.seq)) is no longer in the shard; reading went on at \(first.sequenceNumber)", &out)
                }
            }
            var users = KPLAggregation.deaggregate(page.records)
            if let done = out.records.last.map(UserRecordKey.init) ?? position.last {
                users.removeAll { done.covers(UserRecordKey($0)) }
            }
            var i = 0
            while i < users.count {
                // One Kinesis record: its user records share the sequence number.
                var j = i + 1
                while j < users.count, users[j].sequenceNumber == users[i].sequenceNumber { j += 1 }
                let group = users[i..<j]
                if let through = stop.through {
                    for r in group where through.covers(UserRecordKey(r)) {
                        out.records.append(r)
                        out.bytes += r.data.count
                    }
                    if !through.covers(UserRecordKey(group.last!)) || out.records.last.map(UserRecordKey.init) == through { break reading }
                } else {
                    let full = kinesisRecords >= stop.maxRecords || (kinesisRecords > 0 && out.bytes >= stop.maxBytes)
                    let late = stop.arrivedBy.flatMap { by in group.first?.approximateArrivalTimestamp.map { $0 > by } } ?? false
                    if full || late { break reading }
                    out.records += group
                    out.bytes += group.reduce(0) { $0 + $1.data.count }
                    kinesisRecords += 1
                }
                i = j
            }
            let caughtUp = (page.millisBehindLatest ?? 0) == 0
            guard let next = page.nextShardIterator, !(closed && stop.through == nil && page.records.isEmpty && caughtUp) else {
                out.finished = true
                break
            }
            iterator = next
            if stop.through == nil {
                // Every record of this answer was taken: the next batch can go on from here.
                out.nextIterator = next
                if kinesisRecords >= stop.maxRecords || out.bytes >= stop.maxBytes || caughtUp || calls >= maxCallsPerBatch { break }
            } else if page.records.isEmpty && caughtUp {
                break  // at the tip without reaching `through`
            }
        }
        if let through = stop.through, out.records.last.map(UserRecordKey.init) != through {
            let got = out.records.last.map { "sequence number \($0.sequenceNumber)" } ?? "no record"
            try lost(shardId, "re-reading a batch reached \(got) instead of \(through.seq) (the records in between are no longer in the shard)", &out)
        }
        return out
    }

    /// An iterator at the record taken last (to check it is still there), or at `from`.
    /// Also returns the record the first answer must begin with (the one taken last), if any.
    private func startIterator(_ shardId: String, _ position: ShardPosition, _ out: inout ShardRead) throws -> (ShardIterator, UserRecordKey?) {
        guard let last = position.last else {
            return (try client.getShardIterator(stream: stream, shardId: shardId, position: try position.startPosition()), nil)
        }
        do {
            return (try client.getShardIterator(stream: stream, shardId: shardId, position: .atSequenceNumber(last.seq)), last)
        } catch let e as AWSError where e.code == "InvalidArgumentException" {
            // A sequence number past retention may be refused outright.
            try lost(shardId, "the record read last (sequence number \(last.seq)) is no longer in the shard (\(e.message))", &out)
            return (try client.getShardIterator(stream: stream, shardId: shardId, position: .trimHorizon), nil)
        }
    }

    private func lost(_ shardId: String, _ detail: String, _ out: inout ShardRead) throws {
        let loss = KinesisSourceError.dataLoss(stream: stream, shardId: shardId, detail: detail)
        if failOnDataLoss { throw loss }
        out.losses.append(loss)
    }
}
