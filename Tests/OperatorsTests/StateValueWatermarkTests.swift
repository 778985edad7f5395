import Columnar
import Testing

@testable import Operators

/// The state value watermark of a stream-stream join (Spark's
/// `StreamingJoinHelper.getStateValueWatermark`, after its `StreamingJoinHelperSuite`): the
/// earliest event time a buffered row of one side can still match, given the other side's
/// watermark (10 s here).
@Suite struct StateValueWatermarkTests {
    func watermark(_ conjuncts: [Expr]) -> Int64? {
        StateValueWatermark.compute(
            stateColumns: ["leftTime", "leftOther"], otherColumns: ["rightTime", "rightOther"], otherEventTime: "rightTime",
            conjuncts: conjuncts, watermarkMs: 10_000)
    }

    @Test func aStrictLowerBoundIsTheWatermarkPlusTheOffset() {
        #expect(watermark([col("leftTime") > col("rightTime")]) == 10_000)
        #expect(watermark([col("leftTime") > col("rightTime") + .seconds(5)]) == 15_000)
        #expect(watermark([col("rightTime") < col("leftTime") - .seconds(2)]) == 12_000)
        #expect(watermark([col("leftTime") + .seconds(2) > col("rightTime")]) == 8_000)
    }

    @Test func anInclusiveBoundIsOneMillisecondLower() {
        #expect(watermark([col("leftTime") >= col("rightTime") + .seconds(5)]) == 14_999)
        #expect(watermark([col("rightTime") <= col("leftTime")]) == 9_999)
    }

    @Test func theTightestOfSeveralConjunctsIsTheSmallest() {
        let between = col("leftTime").between(col("rightTime") - .seconds(3), col("rightTime") + .seconds(1))
        #expect(watermark(StreamJoinCondition.conjuncts(between)) == 6_999)
        #expect(watermark([col("leftTime") > col("rightTime"), col("leftTime") > col("rightTime") - .seconds(1)]) == 9_000)
    }

    @Test func conditionsThatDoNotBoundTheStateSideGiveNone() {
        // An upper bound only.
        #expect(watermark([col("leftTime") < col("rightTime")]) == nil)
        // Another column of the other side has no known value.
        #expect(watermark([col("leftTime") > col("rightOther")]) == nil)
        // Two columns of the state side.
        #expect(watermark([col("leftTime") > col("leftOther") + col("rightTime")]) == nil)
        // Not a comparison.
        #expect(watermark([col("leftTime") == col("rightTime")]) == nil)
        // The other side has no watermark.
        #expect(
            StateValueWatermark.compute(
                stateColumns: ["leftTime"], otherColumns: ["rightTime"], otherEventTime: nil,
                conjuncts: [col("leftTime") > col("rightTime")], watermarkMs: 10_000) == nil)
    }

    /// The join's output watermark (Spark's `produceOutputWatermark`): the input watermark,
    /// lowered to a side's state value watermark when a range keeps older rows.
    @Test func theOutputWatermarkIsTheOldestStateABufferedRowMayHave() throws {
        let left = Schema([Field("leftKey", .int64), Field("leftTime", .timestamp)])
        let right = Schema([Field("rightKey", .int64), Field("rightTime", .timestamp)])
        func output(_ condition: Expr) throws -> Int64 {
            let c = try StreamJoinCondition(condition, left: left, right: right)
            return JoinStateWatermarks(condition: c, left: left, right: right, leftEventTime: "leftTime", rightEventTime: "rightTime")
                .outputWatermark(inputMicros: 100_000_000)
        }
        let keys = col("leftKey") == col("rightKey")
        // rightTime in [leftTime, leftTime + 5 s]: left rows down to 95 s - 1 ms stay.
        #expect(try output(keys && col("rightTime").between(col("leftTime"), col("leftTime") + .seconds(5))) == 94_999_000)
        // Keyed by the event time: the input watermark.
        #expect(try output(keys && col("leftTime") == col("rightTime")) == 100_000_000)
    }
}

