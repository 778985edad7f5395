import AWS
import Dispatch
import Foundation
import Logging
import Streaming
import Synchronization

/// Streams a Kinesis data stream: the live source of `KinesisSourceProvider`.
///
/// The offset is, per shard, the last user record taken (sequence number and, inside a KPL
/// aggregate, sub-sequence number), where the shard's reading began, and whether a closed shard
/// was read to its end (`KinesisOffset`). `latestOffset` lists the shards, reads every shard it
/// may read up to the per-shard limits and keeps those records for `getBatch`; a batch re-run
/// after a crash reads exactly the records between its two offsets again from Kinesis
/// (`AT_SEQUENCE_NUMBER` of the record taken last, then up to the end offset's record).
///
/// Resharding: a shard is read only once every parent still listed was read to its end (an
/// offset with `closed`), so the records of a partition key stay in order across splits and
/// merges (`readableShards`). Children become readable in the batch after their parents end.
public final class KinesisStreamSource: StreamSource {
    public let schema: Schema
    public let description: String
    private let options: KinesisSourceOptions
    private let client: any KinesisReading
    private let reader: ShardReader
    private let decoder: KinesisRecordDecoder
    private let metadataPath: String
    private let logger = Logger(label: "sluice.kinesis")
    private let state = Mutex(State())

    private struct Prefetched: Sendable {
        var start: ShardPosition
        var end: ShardPosition
        var records: [KinesisUserRecord]
    }

    private struct State: Sendable {
        /// The iterator after the last record taken, per shard, with the position it continues
        /// and when it was issued (iterators expire after five minutes).
        var iterators: [String: (position: ShardPosition, iterator: ShardIterator, issued: ContinuousClock.Instant)] = [:]
        /// Records `latestOffset` read, for `getBatch` of the same range.
        var prefetched: [String: Prefetched] = [:]
        /// `availableNow`: the shards listed at start and the time records must have arrived by.
        var availableNow: (shards: Set<String>, arrivedBy: Date)?
        /// Where shards start before the first batch (resolved once per run).
        var initialFrom: String?
        /// Losses found since the last batch was read, for its progress.
        var losses: [String] = []
    }

    init(options: KinesisSourceOptions, metadataPath: String) throws {
        self.options = options
        client = try options.makeClient()
        reader = ShardReader(client: client, stream: options.stream, failOnDataLoss: options.failOnDataLoss)
        decoder = try KinesisRecordDecoder(options: options)
        schema = decoder.schema
        description = "KinesisSource[\(options.stream)]"
        self.metadataPath = metadataPath
    }

    public func prepareForAvailableNow() throws {
        let shards = Set(try client.listShards(stream: options.stream).map(\.shardId))
        state.withLock { $0.availableNow = (shards, Date()) }
    }

    public func latestOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset? {
        if let planned = try PlannedBatch.read(metadataPath), planned.start == start?.json {
            return SourceOffset(json: planned.end)
        }
        let begin = try start.map { try KinesisOffset($0, expectedStream: options.stream) }
        let listed = try client.listShards(stream: options.stream)
        let listedIds = Set(listed.map(\.shardId))
        var shards = begin?.shards ?? [:]
        var losses: [KinesisSourceError] = []
        let (availableNow, initialFrom) = state.withLock { s -> ((shards: Set<String>, arrivedBy: Date)?, String) in
            if s.initialFrom == nil { s.initialFrom = Self.initialFrom(options.startingPosition) }
            return (s.availableNow, s.initialFrom!)
        }

        for (id, position) in shards where !listedIds.contains(id) {
            // Shards past retention drop out of ListShards; one not read to its end took records with it.
            if !position.isFinished {
                losses.append(.dataLoss(stream: options.stream, shardId: id, detail: "the shard is no longer listed (past the stream's retention period) but was not read to its end"))
            }
            shards[id] = nil
        }
        for shard in listed where shards[shard.shardId] == nil {
            if let availableNow, !availableNow.shards.contains(shard.shardId) { continue }
            if let begin, !shard.parentIds.isEmpty,
                shard.parentIds.allSatisfy({ !listedIds.contains($0) && begin.shards[$0] == nil })
            {
                losses.append(.dataLoss(stream: options.stream, shardId: shard.shardId, detail: "its parent shards \(shard.parentIds.joined(separator: ", ")) expired before the query read them"))
            }
            shards[shard.shardId] = ShardPosition(from: begin == nil ? initialFrom : ShardPosition.trimHorizon)
        }
        if options.failOnDataLoss, let first = losses.first { throw first }

        let known = listed.filter { shards[$0.shardId] != nil }
        let finished = Set(shards.filter(\.value.isFinished).keys)
        let readable = readableShards(known, finished: finished).map(\.shardId)
        let stop = ShardStop(maxRecords: options.maxRecordsPerShard, maxBytes: options.maxBytesPerShard, arrivedBy: availableNow?.arrivedBy)
        let cached = state.withLock { s in
            readable.map { id -> ShardIterator? in
                guard let c = s.iterators[id], c.position == shards[id], ContinuousClock.now - c.issued < .seconds(240) else { return nil }
                return c.iterator
            }
        }
        let from = shards
        let closed = Set(listed.filter(\.isClosed).map(\.shardId))
        let reads = try Self.concurrentMap(Array(zip(readable, cached))) { id, iterator in
            try self.reader.read(id, from: from[id]!, iterator: iterator, stop: stop, closed: closed.contains(id))
        }
        var prefetched: [String: Prefetched] = [:]
        var iterators: [String: (position: ShardPosition, iterator: ShardIterator, issued: ContinuousClock.Instant)] = [:]
        for (id, read) in zip(readable, reads) {
            let before = shards[id]!
            var after = before
            if let last = read.records.last {
                after.seq = last.sequenceNumber
                after.sub = last.subSequenceNumber
            }
            if read.finished { after.closed = true }
            shards[id] = after
            losses += read.losses
            if !read.records.isEmpty { prefetched[id] = Prefetched(start: before, end: after, records: read.records) }
            if let next = read.nextIterator { iterators[id] = (after, next, ContinuousClock.now) }
        }
        for loss in losses { report(loss) }
        state.withLock { s in
            s.prefetched = prefetched
            s.iterators = iterators
            s.losses += losses.map(\.description)
        }
        if begin == nil && shards.isEmpty { return nil }
        let end = KinesisOffset(stream: options.stream, shards: shards).sourceOffset
        if end != start { try PlannedBatch(start: start?.json, end: end.json).write(metadataPath) }
        return end
    }

    public func getBatch(start: SourceOffset?, end: SourceOffset, batchId: Int64) throws -> SourceBatch {
        let from = try start.map { try KinesisOffset($0, expectedStream: options.stream) }
        let to = try KinesisOffset(end, expectedStream: options.stream)
        let prefetched = state.withLock { s in
            defer { s.prefetched = [:] }
            return s.prefetched
        }
        // Within a batch no shard has both records and a parent with records (children are read
        // only after their parents ended in an earlier batch), so shard id order keeps key order.
        var ranges: [(id: String, start: ShardPosition, end: ShardPosition)] = []
        for id in to.shards.keys.sorted() {
            let endPosition = to.shards[id]!
            let startPosition = from?.shards[id] ?? ShardPosition(from: endPosition.from)
            guard let last = endPosition.last, last != startPosition.last else { continue }
            ranges.append((id, startPosition, endPosition))
        }
        let losses = Mutex<[KinesisSourceError]>([])
        let shards = try Self.concurrentMap(ranges) { id, startPosition, endPosition -> (shardId: String, records: [KinesisUserRecord]) in
            if let p = prefetched[id], p.start == startPosition, p.end == endPosition { return (id, p.records) }
            let read = try self.reader.read(id, from: startPosition, iterator: nil, stop: ShardStop(through: endPosition.last))
            losses.withLock { $0 += read.losses }
            return (id, read.records)
        }
        for loss in losses.withLock({ $0 }) { report(loss) }
        let (batch, bad) = try decoder.decode(shards)
        if let dir = options.badRecordsPath {
            for (shardId, records) in bad {
                try BadRecordsWriter.write(records, to: FilePaths.join(dir, "batch=\(batchId)", "\(shardId).json"))
            }
        }
        let malformed = bad.reduce(0) { $0 + $1.records.count }
        var metrics: [String: String] = [
            "numShards": String(to.shards.count),
            "numClosedShardsRead": String(to.shards.values.filter(\.isFinished).count),
            "numRecords": String(shards.reduce(0) { $0 + $1.records.count }),
        ]
        let reported = state.withLock { s in
            defer { s.losses = [] }
            return s.losses + losses.withLock { $0.map(\.description) }
        }
        if !reported.isEmpty {
            let data = (try? JSONEncoder().encode(reported)) ?? Data()
            metrics["dataLoss"] = String(decoding: data, as: UTF8.self)
        }
        return SourceBatch(parts: [batch], schema: schema, malformedRows: malformed, metrics: metrics)
    }

    /// Nothing to do: the offsets in the checkpoint are the source's whole state.
    public func commit(_ end: SourceOffset) throws {}

    private func report(_ loss: KinesisSourceError) {
        logger.warning("\(loss.description)")
        options.onDataLoss?(loss)
    }

    static func initialFrom(_ position: KinesisStartingPosition) -> String {
        switch position {
        case .trimHorizon: return ShardPosition.trimHorizon
        case .latest: return ShardPosition.atTimestamp(Int64(Date().timeIntervalSince1970 * 1000))
        case .atTimestamp(let t): return ShardPosition.atTimestamp(Int64((t.timeIntervalSince1970 * 1000).rounded(.down)))
        }
    }

    /// Runs `body` on every item at once (shards are read in parallel: each waits on the network
    /// far more than it computes); results in item order.
    static func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) throws -> R) throws -> [R] {
        if items.count <= 1 { return try items.map(body) }
        let results = Mutex<[Int: Result<R, any Error>]>([:])
        let group = DispatchGroup()
        for (i, item) in items.enumerated() {
            DispatchQueue.global().async(group: group) {
                let r = Result { try body(item) }
                results.withLock { $0[i] = r }
            }
        }
        group.wait()
        return try results.withLock { r in try (0..<items.count).map { try r[$0]!.get() } }
    }
}
