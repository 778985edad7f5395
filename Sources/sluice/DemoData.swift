import Streaming

/// Writes a small, deterministic set of service logs: JSON lines, partitioned by date,
/// some files zstd-compressed, with a few malformed lines as real logs have.
enum DemoData {
    static let services = ["checkout", "search", "payments", "auth"]
    static let customers = ["acme", "globex", "initech", "umbrella", "hooli"]
    static let levels = ["INFO", "INFO", "INFO", "WARN", "ERROR"]

    static let schema = Schema([
        Field("timestamp", .timestamp), Field("level", .string), Field("service", .string),
        Field("context.customer", .string), Field("latency_ms", .int64), Field("message", .string),
        // Filled from the files' `date=YYYY-MM-DD/` directories.
        Field("date", .date),
    ])

    /// Writes files number `files` (each `linesPerFile` lines, later numbers later in time) under `dir`;
    /// returns the paths written.
    @discardableResult
    static func write(to dir: String, files: Range<Int>, linesPerFile: Int, seed: UInt64 = 42) throws -> [String] {
        var rng = SplitMix64(seed: seed)
        var paths: [String] = []
        let start = Timestamps.make(year: 2026, month: 11, day: 25, hour: 23, minute: 50)
        for f in files {
            var lines: [String] = []
            for l in 0..<linesPerFile {
                let t = start + Int64(f * linesPerFile + l) * 1_700_000 + Int64(rng.next(upTo: 1_000_000))
                let level = levels[rng.next(upTo: levels.count)]
                let service = services[rng.next(upTo: services.count)]
                let customer = customers[rng.next(upTo: customers.count)]
                let latency = 5 + rng.next(upTo: level == "ERROR" ? 2000 : 300)
                lines.append(
                    #"{"timestamp":"\#(Timestamps.format(t))","level":"\#(level)","service":"\#(service)","context":{"customer":"\#(customer)","region":"eu"},"latency_ms":\#(latency),"message":"request \#(f)-\#(l)"}"#)
            }
            if f % 3 == 1 { lines.insert(#"{"timestamp":"not a time","level":"ERROR""#, at: linesPerFile / 2) }
            let day = Dates.format(Int32(Timestamps.floorDiv(start + Int64(f * linesPerFile) * 1_700_000, Timestamps.microsPerDay)))
            let partition = FilePaths.join(dir, "date=\(day)")
            try FileSystem.createDirectory(partition)
            let text = Array((lines.joined(separator: "\n") + "\n").utf8)
            let compressed = f % 2 == 1
            let name = zeroPadded5(f) + (compressed ? ".jsonl.zst" : ".jsonl")
            let path = FilePaths.join(partition, "logs-" + name)
            // Producer convention: write under a hidden name, then rename into place.
            let hidden = FilePaths.join(partition, "." + name + ".tmp")
            try DurableFile.writeNew(hidden, compressed ? try Zstd.compress(text) : text)
            try FileSystem.rename(hidden, path)
            paths.append(path)
        }
        return paths
    }
}

/// `n` zero-padded to five digits, so file names sort in numeric order.
func zeroPadded5(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 5 - s.count)) + s
}
