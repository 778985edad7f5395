import Streaming

/// The windowed query's table after replays of some of its days beside the stream, as README
/// "Backfill" promises it, worked out from the generated rows rather than by the engine:
///
/// - a replay of day D that read the stream's batch T as the table's last (`streamBatchId` in its
///   commit) wrote the windows of D final at batch T's eviction watermark, computed from every row
///   of the files the stream had consumed through T (one file per batch), none dropped as late,
///   so rows the stream dropped as late count;
/// - the stream emits the other windows of D later, exactly as in the uninterrupted reference;
/// - the last replay of a day decides it (a later one replaces what the earlier one wrote).
struct WindowedReplayModel {
    let events: [[DatasetSpec.Event]]
    let windowMicros: Int64 = 5 * 60_000_000
    let delayMicros: Int64 = 10 * 60_000_000

    /// Batch `t`'s eviction watermark: the largest event time of the batches before it less the
    /// delay, 0 before any (README "Semantics and guarantees"). The dataset's times lie weeks
    /// before any run, so the cap on times ahead of processing time never applies.
    func watermark(batch t: Int64) -> Int64 {
        let maxTs = events.prefix(Int(min(t, Int64(events.count)))).lazy.flatMap { $0 }.map(\.ts).max()
        return maxTs.map { max(0, $0 - delayMicros) } ?? 0
    }

    /// The reference's rows with the days in `lastReplay` (day → T) rewritten as their replay left them.
    func expectedRows(reference: TableContents, lastReplay: [Int32: Int64]) throws -> [[Value]] {
        let column = Dictionary(uniqueKeysWithValues: reference.names.enumerated().map { ($1, $0) })
        guard let dateIndex = column["date"], let startIndex = column["window_start"] else {
            throw TortureError("the windowed reference has no date or window_start column: \(reference.names)")
        }
        let watermarks = lastReplay.mapValues { watermark(batch: $0) }
        var rows = reference.rows.filter { row in
            guard case .date(let day) = row[dateIndex], let wm = watermarks[day], case .timestamp(let start) = row[startIndex] else { return true }
            return start + windowMicros > wm
        }
        for (day, t) in lastReplay.sorted(by: { $0.key < $1.key }) {
            rows += try replayedWindows(day: day, batch: t, watermark: watermarks[day]!, names: reference.names)
        }
        return rows
    }

    private struct Group {
        var events: Int64 = 0
        var amount: Int64 = 0
        var largest: Int64 = 0
        var users: Set<String> = []
    }

    private func replayedWindows(day: Int32, batch t: Int64, watermark wm: Int64, names: [String]) throws -> [[Value]] {
        var groups: [WindowKey: Group] = [:]
        for file in events.prefix(Int(min(t + 1, Int64(events.count)))) {
            for e in file {
                let start = e.ts - ((e.ts % windowMicros) + windowMicros) % windowMicros
                guard start / Timestamps.microsPerDay == Int64(day), start + windowMicros <= wm else { continue }
                var g = groups[WindowKey(start: start, kind: e.kind), default: Group()]
                g.events += 1
                g.amount += e.amount
                g.largest = max(g.largest, e.amount)
                g.users.insert(e.user)
                groups[WindowKey(start: start, kind: e.kind)] = g
            }
        }
        return try groups.map { key, g in
            try names.map { name -> Value in
                switch name {
                case "window_start": return .timestamp(key.start)
                case "window_end": return .timestamp(key.start + windowMicros)
                case "kind": return .string(key.kind)
                case "events": return .int64(g.events)
                case "amount": return .int64(g.amount)
                case "largest": return .int64(g.largest)
                case "users": return .int64(Self.approxCountDistinct(g.users))
                case "date": return .date(day)
                default: throw TortureError("the windowed model has no value for column \(name)")
                }
            }
        }
    }

    private struct WindowKey: Hashable {
        var start: Int64
        var kind: String
    }

    /// `approxCountDistinct` of string values: the engine's HyperLogLog fed the hash of each
    /// value's grouping-key encoding (a validity byte, the length as 8 bytes little-endian, the
    /// UTF-8 bytes; xxHash64, seed 42), which the engine keeps fixed because sketches in state
    /// depend on it. An exact distinct count would differ from the stream's estimates.
    static func approxCountDistinct(_ values: Set<String>) -> Int64 {
        var sketch = HyperLogLog()
        for v in values {
            var key: [UInt8] = [1]
            withUnsafeBytes(of: Int64(v.utf8.count).littleEndian) { key += $0 }
            key += v.utf8
            sketch.add(hash: StableHash.xxHash64(key, seed: 42))
        }
        return sketch.estimate
    }
}
