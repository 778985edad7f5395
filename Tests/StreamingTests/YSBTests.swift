import Foundation
import Testing
import YSBWorkload

@testable import Streaming

/// The YSB query against a plain reference computation of Spark's rules (watermark from the
/// previous batches, late rows dropped against the previous batch's watermark, windows emitted
/// once the batch's watermark passes their end), on a small generated dataset.
@Suite struct YSBTests {
    struct Event { let ad: String; let type: String; let ms: Int64 }

    /// Files of events whose time rises across files, with disorder and a few very late events.
    static func generate(_ dir: TempDir, files: Int, perFile: Int) throws -> [[Event]] {
        var rng = SplitMix64(seed: 99)
        func next(_ n: Int) -> Int { rng.next(upTo: n) }
        try FileSystem.createDirectory(dir.sub("events"))
        var campaigns = ""
        for a in 0..<20 { campaigns += #"{"ad_id":"ad-\#(a)","campaign_id":"c\#(a % 4)"}"# + "\n" }
        try DurableFile.writeNew(dir.sub("campaigns.jsonl"), Array(campaigns.utf8))
        var all: [[Event]] = []
        let base: Int64 = 1_795_600_800_000
        for f in 0..<files {
            var events: [Event] = []
            var lines: [String] = []
            for i in 0..<perFile {
                var ms = base + Int64(f * perFile + i) * 40 - Int64(next(5000))
                if next(50) == 0 { ms -= 60_000 + Int64(next(60_000)) }
                // ad-20 and ad-21 are not in the campaigns table: the join drops them.
                let e = Event(ad: "ad-\(next(22))", type: ["view", "click", "purchase"][next(3)], ms: ms)
                events.append(e)
                lines.append(
                    #"{"user_id":"u\#(i)","page_id":"p","ad_id":"\#(e.ad)","ad_type":"banner","event_type":"\#(e.type)","event_time":"\#(Timestamps.format(ms * 1000))","ip_address":"1.2.3.4"}"#)
            }
            all.append(events)
            try DurableFile.writeNew(dir.sub("events", String(format: "f%03d.jsonl", f)), Array(lines.joined(separator: "\n").utf8))
        }
        return all
    }

    /// Spark's semantics spelled out with dictionaries, for batches = groups of files.
    static func reference(_ batches: [[Event]]) -> [String] {
        var counts: [String: Int64] = [:]  // "campaign|windowStartMs"
        var emitted: [String] = []
        var watermark: Int64 = 0, previousWatermark: Int64 = 0, maxSeen = Int64.min
        func emit(upTo wm: Int64) {
            for (k, v) in counts {
                let start = Int64(k.split(separator: "|")[1])!
                if start + 10_000 <= wm {
                    emitted.append("\(k)|\(v)")
                    counts[k] = nil
                }
            }
        }
        var runs = batches.map { Optional($0) }
        runs.append(nil)  // the no-data batch that lets the last watermark act
        for batch in runs {
            if batch == nil && watermark == previousWatermark { break }
            for e in batch ?? [] {
                maxSeen = max(maxSeen, e.ms)
                guard e.type == "view", let n = Int(e.ad.dropFirst(3)), n < 20 else { continue }
                let start = e.ms - ((e.ms % 10_000) + 10_000) % 10_000
                if start + 10_000 <= previousWatermark { continue }
                counts["c\(n % 4)|\(start)", default: 0] += 1
            }
            emit(upTo: watermark)
            previousWatermark = watermark
            if maxSeen != .min { watermark = max(watermark, maxSeen - 10_000) }
        }
        return emitted.sorted()
    }

    func run(_ dir: TempDir, maxFilesPerTrigger: Int?) throws -> [String] {
        let sink = MemorySink(name: "ysb-\(UUID())")
        try YSBQuery.build(session: StreamingSession(), events: dir.sub("events"), campaigns: dir.sub("campaigns.jsonl"), maxFilesPerTrigger: maxFilesPerTrigger)
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp-\(maxFilesPerTrigger ?? 0)")).trigger(.availableNow).start()
            .awaitTermination()
        return sink.rows.map { r in
            guard case .string(let c) = r[0], case .timestamp(let s) = r[1], case .int64(let n) = r[3] else { return "?" }
            return "\(c)|\(s / 1000)|\(n)"
        }.sorted()
    }

    @Test func oneBatchMatchesTheReference() throws {
        let dir = TempDir()
        let files = try Self.generate(dir, files: 6, perFile: 500)
        let expected = Self.reference([files.flatMap { $0 }])
        #expect(expected.count > 5)
        #expect(try run(dir, maxFilesPerTrigger: nil) == expected)
    }

    @Test func oneFilePerBatchMatchesTheReference() throws {
        let dir = TempDir()
        let files = try Self.generate(dir, files: 6, perFile: 500)
        let expected = Self.reference(files)
        #expect(expected.count > 10)
        #expect(try run(dir, maxFilesPerTrigger: 1) == expected)
        // Batch boundaries matter: one batch emits fewer windows than six.
        #expect(expected != Self.reference([files.flatMap { $0 }]))
    }
}
