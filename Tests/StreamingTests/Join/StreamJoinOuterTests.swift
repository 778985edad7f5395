import Foundation
import Testing

@testable import Streaming

/// Outer and semi stream-stream joins, batch by batch, after the windowed scenarios of Spark's
/// `StreamingOuterJoinSuite`: inputs `key`, time = key seconds, values key × 2 (left) and
/// key × 3 (right), watermark 10 s on both, joined on the key and the 10-second window.
@Suite struct StreamJoinOuterTests {
    func windowedJoin(_ type: StreamJoinType, extra: Expr? = nil) throws -> JoinHarness {
        try JoinHarness { l, r in
            var condition = col("leftKey") == col("rightKey")
                && windowStart(col("leftTime"), .seconds(10)) == windowStart(col("rightTime"), .seconds(10))
            if let extra { condition = condition && extra }
            let joined = l.joinSide("left", factor: 2, watermark: .seconds(10))
                .join(r.joinSide("right", factor: 3, watermark: .seconds(10)), on: condition, type: type)
            if type == .leftSemi {
                return joined.select(col("leftKey"), windowStart(col("leftTime"), .seconds(10)) + .seconds(10), col("leftValue"))
            }
            // The window's end from whichever side is there.
            let end = coalesce(windowStart(col("leftTime"), .seconds(10)), windowStart(col("rightTime"), .seconds(10))) + .seconds(10)
            return joined.select(coalesce(col("leftKey"), col("rightKey")).as("key"), end.as("end"), col("leftValue"), col("rightValue"))
        }
    }

    /// "windowed left outer join".
    @Test func leftOuterEmitsUnmatchedLeftRowsOnceTheWatermarkPassesTheirWindow() throws {
        let h = try windowedJoin(.leftOuter)
        try h.add(left: [1, 2, 3, 4, 5], right: [3, 4, 5, 6, 7])
        #expect(h.newRows() == [[3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]])
        // Watermark 11 (min of 21 - 10 and 22 - 10): the no-data batch emits the window [0, 10)'s
        // unmatched left rows, once.
        try h.add(left: [21], right: [22])
        #expect(h.newRows() == [[1, 10, 2, nil], [2, 10, 4, nil]])
        #expect(h.state.map { [$0.total, $0.updated] } == [2, 2])
        try h.add(left: [22])
        #expect(h.newRows() == [[22, 30, 44, 66]])
        #expect(h.state?.total == 3)
        // Late rows: dropped, no outer row.
        try h.add(left: [1])
        try h.add(left: [5])
        #expect(h.newRows() == [])
        #expect(h.state.map { [$0.total, $0.updated, $0.dropped] } == [3, 0, 1])
    }

    /// "windowed right outer join".
    @Test func rightOuterIsTheMirrorImage() throws {
        let h = try windowedJoin(.rightOuter)
        try h.add(left: [1, 2, 3, 4, 5], right: [3, 4, 5, 6, 7])
        #expect(h.newRows() == [[3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]])
        try h.add(left: [21], right: [22])
        #expect(h.newRows() == [[6, 10, nil, 18], [7, 10, nil, 21]])
        try h.add(right: [21])
        #expect(h.newRows() == [[21, 30, 42, 63]])
    }

    /// "windowed full outer join".
    @Test func fullOuterEmitsUnmatchedRowsOfBothSides() throws {
        let h = try windowedJoin(.fullOuter)
        try h.add(left: [1, 2, 3, 4, 5], right: [3, 4, 5, 6, 7])
        #expect(h.newRows() == [[3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]])
        try h.add(left: [21], right: [22])
        #expect(h.newRows() == [[1, 10, 2, nil], [2, 10, 4, nil], [6, 10, nil, 18], [7, 10, nil, 21]])
        try h.add(left: [22])
        #expect(h.newRows() == [[22, 30, 44, 66]])
        // Watermark 35 after 45 on both sides: the window [20, 30) ends; the left's 21 never
        // matched (22 did, on both sides).
        try h.add(left: [45], right: [45])
        #expect(h.newRows() == [[21, 30, 42, nil], [45, 50, 90, 135]])
    }

    /// "windowed left semi join": a left row is emitted once, when its first match is found,
    /// and a matched left row is not buffered.
    @Test func leftSemiEmitsEachMatchingLeftRowOnce() throws {
        let h = try windowedJoin(.leftSemi)
        try h.add(left: [1, 2, 3, 4, 5], right: [3, 4, 5, 6, 7])
        #expect(h.newRows() == [[3, 10, 6], [4, 10, 8], [5, 10, 10]])
        // The left rows are buffered before the right ones arrive (left first, as in Spark);
        // 3, 4, 5 are then marked matched. Right 3..7 are buffered too.
        #expect(h.state.map { [$0.total, $0.updated] } == [10, 10])
        try h.add(left: [21], right: [22])
        #expect(h.newRows() == [])
        #expect(h.state.map { [$0.total, $0.updated] } == [2, 2])
        try h.add(right: [20])
        #expect(h.newRows() == [])
        #expect(h.state?.total == 3)
        // Two equal left rows, each matched on arrival.
        try h.add(left: [22, 22])
        #expect(h.newRows() == [[22, 30, 44], [22, 30, 44]])
        #expect(h.state?.total == 3)
        // Two right rows find the buffered left 21: it is emitted once.
        try h.add(right: [21, 21])
        #expect(h.newRows() == [[21, 30, 42]])
        try h.add(right: [21])
        #expect(h.newRows() == [])
    }

    /// "left outer early state exclusion on left": a left row failing the left-only part of the
    /// condition can never match; its outer row comes at once and it is not buffered.
    @Test func leftRowsFailingTheirOwnConditionAreEmittedAtOnce() throws {
        let h = try windowedJoin(.leftOuter, extra: col("leftValue") > lit(.int64(4)))
        try h.add(left: [1, 2, 3], right: [3, 4, 5])
        #expect(h.newRows() == [[1, 10, 2, nil], [2, 10, 4, nil], [3, 10, 6, 9]])
        #expect(h.state.map { [$0.total, $0.updated] } == [4, 4])
        try h.add(left: [20], right: [21])
        #expect(h.newRows() == [])
        try h.add(right: [20])
        #expect(h.newRows() == [[20, 30, 40, 60]])
    }

    /// A left outer join bounded by a time range instead of windows (Spark's "left outer
    /// join with time range"): a left row waits until the right side's watermark passes
    /// `leftTime + 5 s`, then comes with nulls unless it found a match.
    @Test func leftOuterWithATimeRange() throws {
        let h = try JoinHarness { l, r in
            l.joinSide("left", factor: 2, watermark: .seconds(10))
                .join(
                    r.joinSide("right", factor: 3, watermark: .seconds(10)),
                    on: col("leftKey") == col("rightKey") && col("rightTime").between(col("leftTime"), col("leftTime") + .seconds(5)),
                    type: .leftOuter)
                .select(col("leftKey"), col("leftTime"), col("rightTime"))
        }
        try h.add(left: [(1, 1), (2, 2), (3, 3)], right: [(1, 4), (3, 10)])
        #expect(h.newRows() == [[1, 1, 4]])
        // Watermark 20: left rows with leftTime + 5 <= 20 can no longer match.
        try h.add(left: [(9, 30)], right: [(9, 30)])
        #expect(h.newRows() == [[2, 2, nil], [3, 3, nil], [9, 30, 30]])
        try h.add(left: [(9, 40)], right: [(9, 40)])
        #expect(h.newRows() == [[9, 40, 40]])
    }

    /// A failure at each step of the batch protocol in the batch that moves the watermark: after
    /// a restart every batch holds exactly the rows it holds without the failure, outer rows
    /// included, once (the join's state and the inputs' watermarks come back from the checkpoint).
    @Test(arguments: FaultPoint.allCases)
    func aCrashAtEachStepEmitsEveryOuterRowOnce(fault: FaultPoint) throws {
        func run(_ fault: FaultPoint?) throws -> [[Int64?]] {
            let h = try windowedJoin(.fullOuter)
            try h.add(left: [1, 2, 3, 4, 5], right: [3, 4, 5, 6, 7])
            if let fault {
                let hook: FaultHook = { p, b in if p == fault && b >= 1 { throw InjectedFault(point: p, batchId: b) } }
                #expect(throws: InjectedFault.self) { try h.add(left: [21], right: [22], fault: hook) }
                try h.run()
            } else {
                try h.add(left: [21], right: [22])
            }
            try h.add(left: [45], right: [45])
            return h.rowsOncePerBatch()
        }
        let reference = try run(nil)
        #expect(reference.count == 3 + 4 + 1 + 2)
        #expect(try run(fault) == reference)
    }
}

