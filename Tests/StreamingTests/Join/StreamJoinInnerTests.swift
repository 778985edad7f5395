import Foundation
import Testing

@testable import Streaming

/// Inner stream-stream joins, batch by batch, after the scenarios of Spark's `StreamingJoinSuite`
/// (each step restarts the query from its checkpoint, see `JoinHarness`).
@Suite struct StreamJoinInnerTests {
    /// "stream stream inner join on non-time column": no watermark, so state is kept for ever
    /// and a key matches every row the other side ever had.
    @Test func innerJoinOnANonTimeColumnMatchesAcrossBatches() throws {
        let h = try JoinHarness { l, r in
            l.joinSide("left", factor: 2, watermark: nil).join(r.joinSide("right", factor: 3, watermark: nil), on: col("leftKey") == col("rightKey"))
                .select(col("leftKey"), col("leftValue"), col("rightValue"))
        }
        try h.add(left: [1])
        #expect(h.newRows() == [])
        try h.add(right: [1, 10])  // 1 came on the left first
        #expect(h.newRows() == [[1, 2, 3]])
        try h.add(left: [10])  // 10 came on the right first
        #expect(h.newRows() == [[10, 20, 30]])
        try h.add(right: [1])  // another right 1 joins the buffered left 1
        #expect(h.newRows() == [[1, 2, 3]])
        try h.add(left: [1])  // two right 1s are buffered
        #expect(h.newRows() == [[1, 2, 3], [1, 2, 3]])
        try h.add(left: [100], right: [100])  // both in one batch: found once
        #expect(h.newRows() == [[100, 200, 300]])
        #expect(h.state?.total == 8)
    }

    /// "stream stream inner join with time range - with watermark - one side condition".
    @Test func innerJoinWithATimeRangeEvictsTheBoundedSideOnly() throws {
        let h = try JoinHarness { l, r in
            l.joinSide("left", factor: 2, watermark: .seconds(10))
                .join(
                    r.joinSide("right", factor: 3, watermark: .seconds(10)),
                    on: col("leftKey") == col("rightKey") && col("leftTime") < col("rightTime") - .seconds(5))
                .select(col("leftKey"), col("leftTime"), col("rightTime"))
        }
        try h.add(left: [(1, 5)])
        #expect(h.newRows() == [])
        try h.add(right: [(1, 11)])
        #expect(h.newRows() == [[1, 5, 11]])
        try h.add(right: [(1, 10)])
        #expect(h.newRows() == [])  // 5 is not < 10 - 5
        #expect(h.state?.total == 3)

        // Watermark: left 30 - 10 = 20, right 11 - 10 = 1: min 1.
        try h.add(left: [(1, 3), (1, 30)])
        #expect(h.newRows() == [[1, 3, 10], [1, 3, 11]])
        #expect(h.state?.total == 5)
        // Right 30: watermark 20. Right state needs rightTime > leftTime + 5 > 25: (1, 10) and
        // (1, 11) go; left state has no lower bound from this condition and stays.
        try h.add(right: [(0, 30)])
        #expect(h.newRows() == [])
        #expect(h.watermarkSeconds == 20)
        #expect(h.state?.total == 4)

        // (1, 20) is late (at the watermark); (1, 21) matches but is not kept (it would be
        // evicted at once, 21 <= 25); (1, 28) matches and is kept.
        try h.add(right: [(1, 20), (1, 21), (1, 28)])
        #expect(h.newRows() == [[1, 3, 21], [1, 3, 28], [1, 5, 21], [1, 5, 28]])
        #expect(h.state.map { [$0.total, $0.updated, $0.dropped] } == [5, 1, 1])

        try h.add(left: [(1, 20), (1, 21)])
        #expect(h.newRows() == [[1, 21, 28]])
        #expect(h.state.map { [$0.total, $0.updated, $0.dropped] } == [6, 1, 1])
    }

    /// "stream stream inner join on windows - with watermark": the window in the join keys
    /// lets both sides' state go once the watermark passes the window's end.
    @Test func innerJoinOnWindowsEvictsBothSidesByTheWindowEnd() throws {
        let h = try JoinHarness { l, r in
            l.joinSide("left", factor: 2, watermark: .seconds(10))
                .join(
                    r.joinSide("right", factor: 3, watermark: nil),
                    on: col("leftKey") == col("rightKey")
                        && windowStart(col("leftTime"), .seconds(10)) == windowStart(col("rightTime"), .seconds(10)))
                .select(col("leftKey"), windowStart(col("leftTime"), .seconds(10)) + .seconds(10), col("leftValue"), col("rightValue"))
        }
        try h.add(left: [1])
        #expect(h.newRows() == [])
        #expect(h.state?.total == 1)
        try h.add(right: [1])
        #expect(h.newRows() == [[1, 10, 2, 3]])
        #expect(h.state?.total == 2)
        // Watermark 15: the windows [0, 10) of both sides go.
        try h.add(left: [25])
        #expect(h.newRows() == [])
        #expect(h.state?.total == 1)
        try h.add(right: [25])
        #expect(h.newRows() == [[25, 30, 50, 75]])
        #expect(h.state?.total == 2)
        // Right 1: its window is gone and it would go at once: not matched, not kept.
        try h.add(right: [1])
        #expect(h.newRows() == [])
        #expect(h.state.map { [$0.total, $0.updated] } == [2, 0])
        // Left 5: late (the right side has no watermark, so the left's is the query's).
        try h.add(left: [5])
        #expect(h.newRows() == [])
        #expect(h.state.map { [$0.total, $0.updated, $0.dropped] } == [2, 0, 1])
    }

    /// Rows with a null key never match (SQL equality), and an inner join does not keep them.
    @Test func nullKeysNeverMatchAndAreNotKept() throws {
        let h = try JoinHarness { l, r in
            l.select(col("key").as("lk")).join(r.select(col("key").as("rk")), on: col("lk") == col("rk"))
        }
        try h.add(left: [(nil, 1), (1, 1)], right: [(nil, 1), (1, 1)])
        #expect(h.newRows() == [[1, 1]])
        #expect(h.state?.total == 2)
        try h.add(left: [(nil, 2)], right: [(1, 2)])
        #expect(h.newRows() == [[1, 1]])
        #expect(h.state?.total == 3)
    }
}
