import Foundation
import Synchronization
import Testing

@testable import Streaming

/// Input laid out as a log pipeline keeps it: `date=YYYY-MM-DD/part-FFF.jsonl`, six files per
/// day of four hours of events each, event times rising from file to file (nothing late), so a
/// stream and a replay must agree row for row.
struct DayFiles {
    static let firstDay = 20  // 2026-11-20
    static let days = 5
    static let filesPerDay = 6
    static let rowsPerFile = 12
    static let schema = Schema([
        Field("id", .int64), Field("user", .string), Field("amount", .double), Field("ts", .timestamp), Field("date", .date),
    ])

    let root: String

    static func dayStart(_ day: Int) -> Int64 { Timestamps.make(year: 2026, month: 11, day: day) }
    static func dayName(_ day: Int) -> String { "2026-11-\(day)" }

    /// All files of the input in path (= arrival) order, as (day, file index).
    static var all: [(day: Int, file: Int)] {
        (firstDay..<firstDay + days).flatMap { d in (0..<filesPerDay).map { (d, $0) } }
    }

    /// Writes one file the way producers must: under a hidden name, then renamed into place.
    func write(day: Int, file: Int) throws {
        let dir = FilePaths.join(root, "date=\(Self.dayName(day))")
        try FileSystem.createDirectory(dir)
        let lines = (0..<Self.rowsPerFile).map { j in
            let ts = Self.dayStart(day) + Int64(file) * 4 * 3_600_000_000 + Int64(j) * 20 * 60_000_000
            return #"{"id":\#(day * 1000 + file * 100 + j),"user":"u\#(j % 3)","amount":\#(Double(j)),"ts":"\#(Timestamps.format(ts))"}"#
        }
        let name = "part-\(String(format2: file)).jsonl"
        let tmp = FilePaths.join(dir, ".\(name).tmp")
        try DurableFile.writeNew(tmp, Array((lines.joined(separator: "\n") + "\n").utf8))
        try FileSystem.rename(tmp, FilePaths.join(dir, name))
    }

    func writeAll() throws { for f in Self.all { try write(day: f.day, file: f.file) } }

    /// Runs `query` over every file (one per batch) into `table` with checkpoint `checkpoint`.
    @discardableResult
    func runStream(_ query: DataStream, table: String, checkpoint: String, mode: OutputMode = .append) throws -> StreamingQuery {
        let q = try query.writeStream.format(.delta(table, partitionBy: ["date"])).outputMode(mode)
            .checkpointLocation(checkpoint).trigger(.availableNow).start()
        try q.awaitTermination()
        return q
    }

    func stream(maxFilesPerTrigger: Int = 1, failFast: Bool = false) throws -> DataStream {
        try StreamingSession().readStream.schema(Self.schema).option(.maxFilesPerTrigger(maxFilesPerTrigger))
            .option(.mode(failFast ? .failFast : .permissive)).load(root)
    }

    /// Stateless: some rows, dated by event time.
    func filtered(failFast: Bool = false) throws -> DataStream {
        try stream(failFast: failFast).filter(col("amount") >= 3.0).withColumn("date", toDate(col("ts")))
    }

    /// Errors per user per hour, dated by window start (append mode needs the watermark).
    func hourly() throws -> DataStream {
        try stream()
            .withWatermark("ts", delay: .minutes(10), maxAheadOfProcessingTime: nil)
            .groupBy(window(col("ts"), .hours(1)), col("user"))
            .agg(count().as("n"), sum(col("amount")).as("total"))
            .withColumn("date", toDate(col("window_start")))
    }
}

/// A table's rows, sorted, per `date` partition.
func rowsByDay(_ table: String) throws -> [String: [[Value]]] {
    let b = try DeltaTable(path: table).snapshot().read().batch
    let dateIndex = try b.schema.require("date")
    var out: [String: [[Value]]] = [:]
    for row in b.rows {
        guard case .date(let d) = row[dateIndex] else { continue }
        out[Dates.format(d), default: []].append(row)
    }
    return out.mapValues { $0.sorted { Value.compareRows($0, $1) < 0 } }
}

/// nil when the tables hold the same rows per day; else, per day, how many rows one has that the
/// other lacks (a short message instead of both tables in full).
func differences(_ actual: [String: [[Value]]], _ expected: [String: [[Value]]]) -> String? {
    var out: [String] = []
    for day in Set(actual.keys).union(expected.keys).sorted() {
        var counts: [[Value]: Int] = [:]
        for r in actual[day] ?? [] { counts[r, default: 0] += 1 }
        for r in expected[day] ?? [] { counts[r, default: 0] -= 1 }
        let extra = counts.values.filter { $0 > 0 }.reduce(0, +), missing = -counts.values.filter { $0 < 0 }.reduce(0, +)
        if extra + missing > 0 { out.append("\(day): \(extra) extra, \(missing) missing") }
    }
    return out.isEmpty ? nil : out.joined(separator: "; ")
}

/// The file-source log offset the stream's last batch ended at (-1 before any batch).
func consumedLogOffset(_ query: StreamingQuery) -> Int {
    guard let json = query.lastProgress?.sources.first?.endOffset,
        let o = try? JSONDecoder().decode([String: Int].self, from: Data(json.utf8))["logOffset"]
    else { return -1 }
    return o
}

/// Polls `condition` every 10 ms for up to `seconds`.
func waitUntil(_ seconds: Double = 60, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else { throw TestTimeout() }
        Thread.sleep(forTimeInterval: 0.01)
    }
}

struct TestTimeout: Error {}
