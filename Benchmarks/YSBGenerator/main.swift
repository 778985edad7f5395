// Generates the Yahoo Streaming Benchmark workload as JSON-lines files, deterministically.
//
//   swift run -c release ysb-generate --out ysb-data --events 1000000 --files 10
//
// Writes <out>/events/events-00000.jsonl ... and <out>/campaigns.jsonl (1000 ads → 100 campaigns).
// Event time increases across files, with up to 5 s of disorder inside a file and about 0.1 %
// of events late by 60–120 s.
import ArgumentParser
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
        var rng = Generator(seed: seed)
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
                    #"{"user_id":"\#(rng.uuid())","page_id":"\#(rng.uuid())","ad_id":"\#(adIds[rng.next(upTo: ads)])","ad_type":"\#(adTypes[rng.next(upTo: 5)])","event_type":"\#(eventTypes[rng.next(upTo: 3)])","event_time":"\#(isoMillis(t))","ip_address":"\#(rng.next(upTo: 256)).\#(rng.next(upTo: 256)).\#(rng.next(upTo: 256)).\#(rng.next(upTo: 256))"}"#
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

    func isoMillis(_ ms: Int64) -> String {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let rem = ms - days * 86_400_000
        let date = civil(Int(days))
        return "\(pad(date.0, 4))-\(pad(date.1, 2))-\(pad(date.2, 2))T\(pad(Int(rem / 3_600_000), 2)):\(pad(Int(rem / 60_000 % 60), 2)):\(pad(Int(rem / 1000 % 60), 2)).\(pad(Int(rem % 1000), 3))Z"
    }

    func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

func pad(_ v: Int, _ w: Int) -> String {
    let s = String(v)
    return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
}

/// SplitMix64: small, fast, deterministic across platforms.
struct Generator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(upTo n: Int) -> Int { Int(next() % UInt64(n)) }
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
