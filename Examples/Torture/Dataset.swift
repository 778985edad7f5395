import Columnar
import Formats

/// The generated input: `files` JSON-lines files of events under `<dir>/events`, the same bytes
/// for the same spec on every machine.
///
/// Event times rise across files (each file covers `fileSpanMinutes`, starting 2026-11-25 00:00
/// UTC, so a long dataset spans several days and Delta partitions), with disorder inside a
/// file, some rows up to 8 minutes early, some late rows 10 to 60 minutes behind (around the
/// 10-minute watermark, so whether they count depends on exactly which batch they are in), and
/// re-sent events (same id, time and payload) from the last few files for the dedup query.
/// Every seventh file is zstd-compressed.
struct DatasetSpec: Sendable, Equatable {
    var files: Int
    var rowsPerFile: Int
    var seed: UInt64
    var fileSpanMinutes: Int64 = 6

    static let start = Timestamps.make(year: 2026, month: 11, day: 25)
    static let kinds = ["view", "view", "view", "click", "click", "cart", "buy", "refund"]

    /// One generated row (a re-sent event appears again, in a later file).
    struct Event: Sendable, Equatable {
        /// Event time, µs since the epoch.
        var ts: Int64
        var kind: String
        var user: String
        var amount: Int64
    }

    /// What `generate` wrote.
    struct Summary: Sendable {
        var files = 0
        var rows = 0
        var bytes: Int64 = 0
        var lateRows = 0
        var duplicates = 0
        /// The rows of each file, in file order: what a model of the queries needs.
        var events: [[Event]] = []
    }

    func eventsDirectory(_ dir: String) -> String { FilePaths.join(dir, "events") }

    /// Writes the files (each under a hidden name, then renamed into place, as producers must).
    @discardableResult
    func generate(into dir: String) throws -> Summary {
        let events = eventsDirectory(dir)
        try FileSystem.createDirectory(events)
        var rng = SplitMix64(seed: seed)
        var summary = Summary()
        var nextId = 0
        // Recent events, re-sent as duplicates.
        var recent: [(line: String, event: Event)] = []
        let minute: Int64 = 60_000_000
        for f in 0..<files {
            let fileStart = Self.start + Int64(f) * fileSpanMinutes * minute
            var lines: [String] = []
            var fileEvents: [Event] = []
            for _ in 0..<rowsPerFile {
                if !recent.isEmpty && rng.next(upTo: 100) < 8 {
                    let again = recent[rng.next(upTo: recent.count)]
                    lines.append(again.line)
                    fileEvents.append(again.event)
                    summary.duplicates += 1
                    continue
                }
                let roll = rng.next(upTo: 100)
                let offset: Int64
                if roll < 4 {
                    offset = -(10 * minute + Int64(rng.next(upTo: Int(50 * minute))))
                    summary.lateRows += 1
                } else if roll < 14 {
                    offset = -Int64(rng.next(upTo: Int(8 * minute)))
                } else {
                    offset = Int64(rng.next(upTo: Int(fileSpanMinutes * minute)))
                }
                // Whole milliseconds, as most producers write them.
                let ts = (fileStart + offset) / 1000 * 1000
                let id = "e" + String(nextId).leftPadded(9)
                nextId += 1
                let event = Event(
                    ts: ts, kind: Self.kinds[rng.next(upTo: Self.kinds.count)], user: "u\(rng.next(upTo: 300))",
                    amount: Int64(1 + rng.next(upTo: 500)))
                let line = #"{"id":"\#(id)","ts":"\#(Timestamps.format(ts))","kind":"\#(event.kind)","user":"\#(event.user)","amount":\#(event.amount)}"#
                lines.append(line)
                fileEvents.append(event)
                recent.append((line, event))
                if recent.count > rowsPerFile * 3 { recent.removeFirst(recent.count - rowsPerFile * 3) }
            }
            var bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
            var name = "part-" + String(f).leftPadded(5) + ".jsonl"
            if f % 7 == 6 {
                bytes = try Zstd.compress(bytes)
                name += ".zst"
            }
            try DurableFile.writeAtomically(FilePaths.join(events, name), bytes)
            summary.files += 1
            summary.rows += lines.count
            summary.events.append(fileEvents)
            summary.bytes += Int64(bytes.count)
        }
        return summary
    }
}

extension String {
    /// The string padded with leading zeros to `width` characters.
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
