// Generates the Yahoo Streaming Benchmark workload as JSON-lines files, deterministically.
//
//   swift run -c release ysb-generate --out ysb-data --events 1000000 --files 10
//
// Writes <out>/events/events-00000.jsonl ... and <out>/campaigns.jsonl (1000 ads → 100 campaigns).
// Event time increases across files, with up to 5 s of disorder inside a file and about 0.1 %
// of events late by 60–120 s.
import ArgumentParser
import Columnar
import Formats

@main
struct YSBGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ysb-generate", abstract: "Generate the YSB workload.")

    @Option(help: "Output directory.") var out = "ysb-data"
    @Option(help: "Total number of events.") var events = 1_000_000
    @Option(help: "Number of event files.") var files = 10
    @Option(help: "Number of ads (campaigns get ads / 10).") var ads = 1000
    @Option(help: "Events per second of event time.") var rate = 10_000
    @Option(help: "Random seed.") var seed: UInt64 = 7
    @Option(help: "Start of event time, ms since the epoch (default 2026-11-25T10:00:00Z).") var startMs: Int64 = 1_795_600_800_000

    func run() throws {
        var rng = SplitMix64(seed: seed)
        let adIds = (0..<ads).map { _ in rng.uuid() }
        let campaigns = (0..<max(1, ads / 10)).map { _ in rng.uuid() }
        try FileSystem.createDirectory(FilePaths.join(out, "events"))
        var campaignLines = ""
        for (i, ad) in adIds.enumerated() {
            campaignLines += #"{"ad_id":"\#(ad)","campaign_id":"\#(campaigns[i % campaigns.count])"}"# + "\n"
        }
        try DurableFile.writeAtomically(FilePaths.join(out, "campaigns.jsonl"), Array(campaignLines.utf8))

        let adTypes = ["banner", "modal", "sponsored-search", "mail", "mobile"]
        let eventTypes = ["view", "click", "purchase"]
        let perFile = (events + files - 1) / files
        var written = 0
        for f in 0..<files {
            let n = min(perFile, events - written)
            guard n > 0 else { break }
            var text = [UInt8]()
            text.reserveCapacity(n * 270)
            for k in 0..<n {
                let i = written + k
                var t = startMs + Int64(i) * 1000 / Int64(rate)
                t -= Int64(rng.next(upTo: 5000))  // disorder inside the file
                if rng.next(upTo: 1000) == 0 { t -= 60_000 + Int64(rng.next(upTo: 60_001)) }  // late
                let line =
                    #"{"user_id":"\#(rng.uuid())","page_id":"\#(rng.uuid())","ad_id":"\#(adIds[rng.next(upTo: ads)])","ad_type":"\#(adTypes[rng.next(upTo: 5)])","event_type":"\#(eventTypes[rng.next(upTo: 3)])","event_time":"\#(Timestamps.formatMillis(t * 1000))","ip_address":"\#(rng.next(upTo: 256)).\#(rng.next(upTo: 256)).\#(rng.next(upTo: 256)).\#(rng.next(upTo: 256))"}"#
                text.append(contentsOf: line.utf8)
                text.append(10)
            }
            written += n
            let name = "events-" + pad(f, 5) + ".jsonl"
            let hidden = FilePaths.join(out, "events", "." + name)
            try DurableFile.writeNew(hidden, text)
            try FileSystem.rename(hidden, FilePaths.join(out, "events", name))
        }
        print("wrote \(written) events in \(files) files and \(ads) ads / \(campaigns.count) campaigns under \(out)")
    }

}

func pad(_ v: Int, _ w: Int) -> String {
    let s = String(v)
    return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
}

extension SplitMix64 {
    /// A random lower-case UUID-shaped string.
    mutating func uuid() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        let a = next(), b = next()
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            let word = i < 16 ? a : b
            out.append(hex[Int((word >> UInt64((i % 16) * 4)) & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
