import Foundation
import Testing

@testable import Streaming

/// Spark's StreamingDeduplicationSuite and StreamingDeduplicationWithinWatermarkSuite, transcribed.
@Suite struct DeduplicationTests {
    static func times(_ rows: [[Value]]) -> [Int64] {
        rows.map { if case .timestamp(let t) = $0[1] { return t / 1_000_000 } else { return -1 } }
    }

    @Test func dropDuplicatesWithWatermarkForgetsKeysTheWatermarkPassed() throws {
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(10)).dropDuplicates() }
        try h.add((0..<5).flatMap { _ in (10...15).map { ("k", Int64($0), 1) } })
        #expect(Self.times(h.newRows()) == [10, 11, 12, 13, 14, 15])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 6)
        try h.add(times: 25)
        #expect(Self.times(h.newRows()) == [25])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 1)
        try h.add(times: 10)
        #expect(h.newRows().isEmpty)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 1)
        try h.add(times: 45)
        #expect(Self.times(h.newRows()) == [45])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 1)
    }

    @Test func lateRowsAreDroppedByEventTimeNotByKey() throws {
        // SPARK-19841: rows (time, id), delay 1 s, dropDuplicates("key", "ts").
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(1)).dropDuplicates("key", "ts") }
        func keys() -> [String] { h.newRows().map { $0[0].description } }
        try h.add([("1", 1, nil), ("1", 1, nil), ("2", 1, nil)])
        #expect(keys() == ["1", "2"])
        try h.add([("1", 1, nil), ("3", 2, nil), ("4", 2, nil)])
        #expect(keys() == ["3", "4"])
        try h.add([("0", 1, nil), ("1", 1, nil), ("5", 3, nil), ("6", 3, nil)])
        #expect(keys() == ["5", "6"])
        try h.add([("0", 1, nil), ("7", 4, nil)])
        #expect(keys() == ["7"])
    }

    @Test func withoutEventTimeInTheKeyStateIsKeptForever() throws {
        // SPARK-21546.
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(1)).dropDuplicates("key") }
        try h.add([("1", 1, nil), ("1", 2, nil), ("2", 2, nil)])
        #expect(h.newRows().map { "\($0[0])@\(Self.times([$0])[0])" } == ["1@1", "2@2"])
        try h.add([("1", 100, nil)])
        #expect(h.newRows().isEmpty)
    }

    @Test func withinWatermarkOnAllColumns() throws {
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(10)).dropDuplicatesWithinWatermark() }
        try h.add((0..<5).flatMap { _ in (10...15).map { ("k", Int64($0), 1) } })
        #expect(Self.times(h.newRows()) == [10, 11, 12, 13, 14, 15])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 6)
        try h.add(times: 13, 14, 15, 16, 17)
        #expect(Self.times(h.newRows()) == [16, 17])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 8)
        try h.add(times: 5)
        #expect(h.newRows().isEmpty)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 1)
        try h.add(times: 35)
        #expect(Self.times(h.newRows()) == [35])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 3)
        try h.add(times: 55)
        #expect(Self.times(h.newRows()) == [55])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 1)
    }

    @Test func withinWatermarkOnColumnsWithoutEventTime() throws {
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(2)).dropDuplicatesWithinWatermark("key") }
        func got() -> [String] { h.newRows().map { "\($0[0])\(Self.times([$0])[0])" } }
        try h.add([("a", 17, nil)])
        #expect(got() == ["a17"])
        try h.add([("a", 16, nil)])
        #expect(got().isEmpty)
        try h.add([("a", 13, nil)])
        #expect(got().isEmpty)
        #expect(h.lastProgressWithData?.stateOperators.first?.numRowsDroppedByWatermark == 1)
        try h.add([("b", 22, nil), ("c", 21, nil)])
        #expect(got() == ["b22", "c21"])
        try h.add([("a", 21, nil)])
        #expect(got() == ["a21"])
        try h.add([("d", 25, nil)])
        #expect(got() == ["d25"])
        #expect(h.q.lastProgress?.stateOperators.first?.numRowsTotal == 2)
    }

    @Test func dropDuplicatesWithoutWatermarkNeverForgets() throws {
        let h = try StreamHarness(mode: .append) { s in s.dropDuplicates("key") }
        try h.add([("a", 1, 1)])
        #expect(h.newRows().count == 1)
        try h.add([("a", 2, 2), ("b", 3, 3)])
        #expect(h.newRows().map { $0[0] } == [.string("b")])
        try h.add([("a", 5, 5), ("b", 2, 2), ("c", 9, 9)])
        #expect(h.newRows().map { $0[0] } == [.string("c")])
    }
}
