import Foundation
import Testing

@testable import Streaming

/// Spark's StreamingSessionWindowSuite with each word of a line as its own row: sessions with a
/// 10 s gap, 30 s watermark; rows as "word start-end count".
@Suite struct SessionWindowTests {
    static func query(_ s: DataStream) -> DataStream {
        s.withWatermark("ts", delay: .seconds(30)).groupBy(sessionWindow(col("ts"), .seconds(10)), col("key")).count()
    }

    static func words(_ line: String, _ t: Int64) -> [(String, Int64, Int64?)] {
        line.split(separator: " ").map { (String($0), t, nil) }
    }

    static func readable(_ rows: [[Value]]) -> [String] {
        rows.map { r in
            guard case .timestamp(let s) = r[0], case .timestamp(let e) = r[1], case .int64(let c) = r[3] else { return "?" }
            return "\(r[2]) \(s / 1_000_000)-\(e / 1_000_000) \(c)"
        }.sorted()
    }

    @Test func completeModeMergesSessionsAcrossBatches() throws {
        let h = try StreamHarness(mode: .complete, Self.query)
        func last() -> [String] { Self.readable(h.delivered.last!.1) }
        try h.add(Self.words("hello world spark streaming", 40) + Self.words("world hello structured streaming", 41))
        #expect(last() == ["hello 40-51 2", "spark 40-50 1", "streaming 40-51 2", "structured 41-51 1", "world 40-51 2"])
        try h.add(Self.words("spark streaming", 25))
        #expect(last().contains("spark 25-35 1") && last().contains("streaming 25-35 1") && last().count == 7)
        try h.add(Self.words("spark streaming", 30))
        // [25,35) + [30,40) + [40,50): touching sessions merge into one.
        #expect(last() == ["hello 40-51 2", "spark 25-50 3", "streaming 25-51 4", "structured 41-51 1", "world 40-51 2"])
        try h.add(Self.words("hello apache spark", 60))
        #expect(last().contains("apache 60-70 1") && last().contains("hello 60-70 1") && last().contains("spark 60-70 1"))
        try h.add(Self.words("structured streaming", 90))
        #expect(last().count == 10)
    }

    @Test func appendModeEmitsSessionsOnceTheWatermarkPassesTheirEnd() throws {
        let h = try StreamHarness(mode: .append, Self.query)
        try h.add(Self.words("hello world spark streaming", 40) + Self.words("world hello structured streaming", 41))
        try h.add(Self.words("spark streaming", 25))
        #expect(h.newRows().isEmpty)
        try h.add(Self.words("spark streaming", 0))
        #expect(h.newRows().isEmpty)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 2)
        try h.add(Self.words("spark streaming", 30))
        try h.add(Self.words("hello apache spark", 60))
        #expect(h.newRows().isEmpty)
        try h.add(Self.words("structured streaming", 90))
        #expect(Self.readable(h.newRows()) == ["hello 40-51 2", "spark 25-50 3", "streaming 25-51 4", "structured 41-51 1", "world 40-51 2"])
    }

    @Test func sessionWindowsRejectUpdateModeAndGlobalAggregation() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let s = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in")).withWatermark("ts", delay: .seconds(1))
        #expect(throws: QueryError.self) {
            _ = try Self.query(s).writeStream.format(.memory("x")).outputMode(.update).start()
        }
        do {
            _ = try s.groupBy(sessionWindow(col("ts"), .seconds(5))).count().writeStream.format(.memory("y")).start()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("global aggregation with a session window"))
        }
    }
}
