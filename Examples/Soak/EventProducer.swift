import Foundation
import Streaming

/// Writes one small JSON-lines file of events per call, as a live producer would: under a
/// hidden name first, then renamed into place (the file source's convention), with event
/// times around the wall clock so the watermark moves and state is evicted.
///
/// About 10 % of the rows re-send an event of the previous file (for deduplication) and about
/// 2 % are one to three minutes late (behind the 1-minute watermark, so dropped and counted).
struct EventProducer {
    let directory: String
    let rowsPerFile: Int
    private var rng: SoakRandom
    private var nextFile: Int
    private var nextId = 0
    private var previous: [String] = []
    /// Files written by this producer, oldest first, for `deleteFiles(olderThanMillis:)`.
    private var written: [(path: String, millis: Int64)] = []

    static let kinds = ["view", "view", "view", "click", "click", "cart", "buy", "refund"]

    init(directory: String, rowsPerFile: Int, seed: UInt64) throws {
        self.directory = FileSystem.absolute(directory)
        self.rowsPerFile = rowsPerFile
        rng = SoakRandom(seed: seed)
        try FileSystem.createDirectory(self.directory)
        // Continue after files a previous producer left, so names keep sorting in time order.
        nextFile = (try FileSystem.list(self.directory).compactMap(Self.sequence).max() ?? -1) + 1
        nextId = nextFile * rowsPerFile
    }

    static func name(_ sequence: Int) -> String {
        let digits = String(sequence)
        return "events-" + String(repeating: "0", count: max(0, 9 - digits.count)) + digits + ".jsonl"
    }

    static func sequence(_ name: String) -> Int? {
        guard name.hasPrefix("events-"), name.hasSuffix(".jsonl") else { return nil }
        return Int(name.dropFirst("events-".count).dropLast(".jsonl".count))
    }

    mutating func writeFile() throws {
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        var lines: [String] = []
        for _ in 0..<rowsPerFile {
            if !previous.isEmpty && rng.next(upTo: 100) < 10 {
                lines.append(previous[rng.next(upTo: previous.count)])
                continue
            }
            let late = rng.next(upTo: 100) < 2
            let behindMillis = late ? Int64(60_000 + rng.next(upTo: 120_000)) : Int64(rng.next(upTo: 5_000))
            let ts = Timestamps.format((nowMillis - behindMillis) * 1000)
            let id = "e\(nextId)"
            nextId += 1
            let kind = Self.kinds[rng.next(upTo: Self.kinds.count)]
            lines.append(#"{"id":"\#(id)","ts":"\#(ts)","kind":"\#(kind)","user":"u\#(rng.next(upTo: 300))","amount":\#(1 + rng.next(upTo: 500))}"#)
        }
        previous = lines
        let path = FilePaths.join(directory, Self.name(nextFile))
        nextFile += 1
        // writeAtomically writes `.name.<pid>.<n>.tmp`, which the source skips, then renames.
        try DurableFile.writeAtomically(path, Array((lines.joined(separator: "\n") + "\n").utf8))
        written.append((path, nowMillis))
    }

    /// Input retention, as a producer with limited disk would run it.
    mutating func deleteFiles(olderThanMillis age: Int64) throws {
        let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - age
        while let first = written.first, first.millis < cutoff {
            try FileSystem.remove(first.path)
            written.removeFirst()
        }
    }
}

/// SplitMix64: a small seeded generator, so runs with one seed write the same values.
struct SoakRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upTo bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
