import Foundation
import Streaming
import Testing

@testable import Service

/// What the dashboard and log APIs answer before and around reading a table: bad requests are
/// refused with their status and a message naming what is wrong; a poll with the version the
/// page already shows gets nothing; a chart without a range ends with the newest data.
@Suite struct DataBoardTests {
    static let schema = Schema([Field("ts", .timestamp), Field("service", .string), Field("customer", .string)])

    /// Appends one file of rows `(minute after 2026-11-20 10:00Z, service)` through a streaming query.
    static func append(_ dir: String, _ n: Int, _ rows: [(Int, String)]) throws {
        let input = FilePaths.join(dir, "in")
        try FileSystem.createDirectory(input)
        let base = Timestamps.make(year: 2026, month: 11, day: 20, hour: 10)
        let text = rows.map { #"{"ts":"\#(Timestamps.format(base + Int64($0.0) * Timestamps.microsPerMinute))","service":"\#($0.1)","customer":"acme"}"# }
        try DurableFile.writeNew(FilePaths.join(input, ".\(n).jsonl"), Array((text.joined(separator: "\n") + "\n").utf8))
        try FileSystem.rename(FilePaths.join(input, ".\(n).jsonl"), FilePaths.join(input, "\(n).jsonl"))
        try StreamingSession().readStream.schema(schema).load(input)
            .writeStream.format(.delta(FilePaths.join(dir, "t"))).checkpointLocation(FilePaths.join(dir, "cp")).trigger(.availableNow).start()
            .awaitTermination()
    }

    static func status(_ body: () throws -> Any?) -> Int? {
        do {
            _ = try body()
            return nil
        } catch let e as DataBoard.RequestError { return e.status } catch { return -1 }
    }

    @Test func badRequestsAreRefusedWithTheirStatus() throws {
        let dir = try TestEnvironment.scratch("data-board")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.append(dir, 0, [(0, "api"), (5, "db")])
        let table = FilePaths.join(dir, "t")
        let chart = Dashboard(name: "c", table: table, timeColumn: "ts", seriesKey: "service")
        #expect(throws: ConfigurationError.self) { try DataBoard(dashboards: [chart, chart], logTables: []) }
        let board = try DataBoard(dashboards: [chart], logTables: [LogTable(name: "logs", path: table)])
        #expect(Self.status { try board.series(dashboard: "nope", from: nil, to: nil, timeZone: nil) } == 404)
        #expect(Self.status { try board.series(dashboard: "c", from: nil, to: nil, timeZone: "Mars/Olympus") } == 400)
        #expect(Self.status { try board.series(dashboard: "c", from: "2026-11-20 11:00", to: "2026-11-20 10:00", timeZone: "UTC") } == 400)
        #expect(Self.status { try board.series(dashboard: "c", from: "yesterday", to: nil, timeZone: "UTC") } == 400)
        #expect(Self.status { try board.logDump(table: nil, customer: nil, service: nil, from: "2026-11-20 10:00", to: "2026-11-20 11:00", timeZone: nil) } == 400)
        #expect(Self.status { try board.logDump(table: "x", customer: nil, service: nil, from: "2026-11-20 10:00", to: "2026-11-20 11:00", timeZone: nil) } == 404)
        #expect(Self.status { try board.logDump(table: "logs", customer: nil, service: nil, from: nil, to: "2026-11-20 11:00", timeZone: nil) } == 400)
        #expect(Self.status { try board.logDump(table: "logs", customer: nil, service: nil, from: "2026-11-20 10:00", to: "2026-11-20 11:00", timeZone: "Nowhere") } == 400)

        var dump = try board.logDump(table: "logs", customer: "acme", service: "db", from: "2026-11-20 15:30", to: "2026-11-20 15:40", timeZone: "Asia/Kolkata")
        var rows: [[Value]] = []
        while let b = try dump.next() { rows += b.rows }
        #expect(rows.map { $0[1] } == [.string("db")], "10:05Z is 15:35 in Kolkata")
    }

    @Test func aChartWithoutARangeEndsWithTheNewestDataAndAPollAtTheSameVersionGetsNothing() throws {
        let dir = try TestEnvironment.scratch("data-board-latest")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.append(dir, 0, [(0, "api"), (5, "db")])
        let board = try DataBoard(
            dashboards: [Dashboard(name: "c", table: FilePaths.join(dir, "t"), timeColumn: "ts", seriesKey: "service")], logTables: [])
        let first = try #require(try board.series(dashboard: "c", from: nil, to: nil, timeZone: "Asia/Kolkata"))
        #expect(first.buckets.count == 60)
        #expect(first.labels.last == "2026-11-20 15:35", "the newest row's minute is the last bucket")
        #expect(first.series.map { $0.values.last } == [0, 1])
        #expect(try board.series(dashboard: "c", from: nil, to: nil, timeZone: "Asia/Kolkata", unlessVersion: first.tableVersion) == nil)

        try Self.append(dir, 1, [(9, "api")])
        let second = try #require(try board.series(dashboard: "c", from: nil, to: nil, timeZone: "Asia/Kolkata", unlessVersion: first.tableVersion))
        #expect(second.tableVersion > first.tableVersion)
        #expect(second.labels.last == "2026-11-20 15:39")
    }
}
