import Foundation
import Streaming

/// Small JSON-lines inputs for in-process tests: `{"ts": …, "level": …, "service": …}` rows.
enum EventFiles {
    static let schema = Schema([Field("ts", .timestamp), Field("level", .string), Field("service", .string), Field("date", .date)])

    /// Writes `name` under `date=<day>/` with one row per minute offset from `hour` (UTC),
    /// plus `extra` raw lines (e.g. malformed ones) after the first row.
    @discardableResult
    static func write(
        _ dir: String, _ name: String, day: Int = 25, hour: Int = 10, minutes: [Int], level: String = "ERROR", extra: [String] = []
    ) throws -> String {
        let d = FilePaths.join(dir, "date=2026-11-\(day)")
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        var lines = minutes.map { m in
            #"{"ts":"\#(Timestamps.format(Timestamps.make(year: 2026, month: 11, day: day, hour: hour) + Int64(m) * 60_000_000))","level":"\#(level)","service":"svc"}"#
        }
        lines.insert(contentsOf: extra, at: min(1, lines.count))
        let hidden = FilePaths.join(d, "." + name)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: hidden))
        let path = FilePaths.join(d, name)
        try FileManager.default.moveItem(atPath: hidden, toPath: path)
        return path
    }
}
