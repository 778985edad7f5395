import ArgumentParser
import Foundation

/// The soak report: one row per sample as it is taken (so a long run can be watched), then
/// the growth rates after warm-up.
struct SoakTable {
    enum Format: String, ExpressibleByArgument { case markdown, tsv }

    let format: Format
    private(set) var samples: [SoakSample] = []

    init(format: Format) { self.format = format }

    static let columns: [(title: String, value: @Sendable (SoakSample) -> Double)] = [
        ("min", { $0.minutes }),
        ("batches", { Double($0.batches) }),
        ("RSS MiB", { Double($0.process.rssBytes) / 1_048_576 }),
        ("anon MiB", { Double($0.process.rssAnonBytes) / 1_048_576 }),
        ("heap MiB", { Double($0.process.heapInUseBytes ?? 0) / 1_048_576 }),
        ("threads", { Double($0.process.threads) }),
        ("fds", { Double($0.process.openFiles) }),
        ("ckpt files", { Double($0.checkpoint.files) }),
        ("ckpt KiB", { Double($0.checkpoint.bytes) / 1024 }),
        ("src log files", { Double($0.checkpoint.files(under: "sources")) }),
        ("state files", { Double($0.checkpoint.files(under: "state")) }),
        ("data files", { Double($0.table.files(except: ["_delta_log"])) }),
        ("log files", { Double($0.table.files(under: "_delta_log")) }),
        ("log KiB", { Double($0.table.bytes(under: "_delta_log")) / 1024 }),
        ("snap files", { Double($0.snapshotFiles) }),
        ("snap tombstones", { Double($0.snapshotTombstones) }),
        ("state rows", { Double($0.stateRows) }),
        ("input files", { Double($0.inputFiles) }),
        ("batch ms", { $0.batchMillis }),
        ("list ms", { $0.listMillis }),
        ("sink ms", { $0.sinkMillis }),
    ]

    func printHeader() {
        let titles = Self.columns.map(\.title)
        switch format {
        case .markdown:
            print("| " + titles.joined(separator: " | ") + " |")
            print("|" + titles.map { _ in "---:" }.joined(separator: "|") + "|")
        case .tsv:
            print(titles.joined(separator: "\t"))
        }
        fflush(nil)
    }

    mutating func add(_ s: SoakSample) {
        samples.append(s)
        let cells = Self.columns.map { Self.cell($0.value(s), title: $0.title) }
        print(format == .markdown ? "| " + cells.joined(separator: " | ") + " |" : cells.joined(separator: "\t"))
        fflush(nil)
    }

    static func cell(_ v: Double, title: String) -> String {
        if title == "min" || title.hasSuffix("MiB") || title.hasSuffix("ms") { return String(format: "%.1f", v) }
        return String(Int64(v.rounded()))
    }

    /// Least-squares slope per minute of each column over the samples at or after the warm-up.
    func printSummary(warmupMinutes: Double) {
        let steady = samples.filter { $0.minutes >= warmupMinutes - 1e-9 }
        print("")
        guard steady.count >= 2, let first = steady.first, let last = steady.last else {
            print("growth: fewer than two samples after the \(warmupMinutes)-minute warm-up")
            return
        }
        print(String(format: "growth from minute %.1f to %.1f (least squares, per minute):", first.minutes, last.minutes))
        for (title, value) in Self.columns.dropFirst(2) {
            let slope = Self.slope(steady.map { ($0.minutes, value($0)) })
            let perDay = slope * 1440
            let unit = title.hasSuffix("MiB") ? String(format: "%+.3f MiB/min (%+.0f MiB/day)", slope, perDay)
                : String(format: "%+.2f/min (%+.0f/day)", slope, perDay)
            print("  \(title): \(Self.cell(value(first), title: title)) -> \(Self.cell(value(last), title: title)), \(unit)")
        }
    }

    static func slope(_ points: [(x: Double, y: Double)]) -> Double {
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.x } / n, my = points.reduce(0) { $0 + $1.y } / n
        let sxx = points.reduce(0) { $0 + ($1.x - mx) * ($1.x - mx) }
        let sxy = points.reduce(0) { $0 + ($1.x - mx) * ($1.y - my) }
        return sxx > 0 ? sxy / sxx : 0
    }
}
