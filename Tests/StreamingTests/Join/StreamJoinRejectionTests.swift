import Foundation
import Testing

@testable import Streaming

/// The stream-stream joins Spark refuses, refused at `start()` with Spark's message, before a
/// checkpoint is created.
@Suite struct StreamJoinRejectionTests {
    func refusal(mode: OutputMode = .append, _ build: (DataStream, DataStream) -> DataStream) throws -> (AnalysisError?, Bool) {
        let dir = TempDir("join-refused")
        try FileSystem.createDirectory(dir.sub("l"))
        try FileSystem.createDirectory(dir.sub("r"))
        let session = StreamingSession()
        let l = try session.readStream.schema(JoinHarness.schema).load(dir.sub("l"))
        let r = try session.readStream.schema(JoinHarness.schema).load(dir.sub("r"))
        var error: AnalysisError?
        do {
            let q = try build(l, r).writeStream.format(.memory("join-refused-\(UUID())")).outputMode(mode).checkpointLocation(dir.sub("cp")).start()
            q.stop()
        } catch QueryError.analysis(let e) {
            error = e
        }
        return (error, FileSystem.exists(dir.sub("cp")))
    }

    func left(_ s: DataStream, watermark: Bool = true) -> DataStream { s.joinSide("left", factor: 2, watermark: watermark ? .seconds(10) : nil) }
    func right(_ s: DataStream, watermark: Bool = true) -> DataStream { s.joinSide("right", factor: 3, watermark: watermark ? .seconds(10) : nil) }
    let keys = col("leftKey") == col("rightKey")
    var range: Expr { keys && col("rightTime").between(col("leftTime"), col("leftTime") + .seconds(5)) }

    @Test(arguments: [StreamJoinType.leftOuter, .rightOuter, .fullOuter, .leftSemi])
    func anOuterOrSemiJoinWithoutWatermarkIsRefused(type: StreamJoinType) throws {
        let (e, created) = try refusal { l, r in left(l, watermark: false).join(right(r, watermark: false), on: range, type: type) }
        #expect(e?.condition == "_LEGACY_ERROR_TEMP_3102")
        #expect(
            e?.text == "Stream-stream \(type.sparkName) join between two streaming DataFrame/Datasets is not supported without a watermark "
                + "in the join keys, or a watermark on the nullable side and an appropriate range condition")
        #expect(!created)
    }

    @Test func anOuterJoinWithWatermarksButNoRangeConditionIsRefused() throws {
        let (e, _) = try refusal { l, r in left(l).join(right(r), on: keys, type: .leftOuter) }
        #expect(e?.text.hasPrefix("Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not supported") == true)
    }

    /// Left outer: the condition must bound the left side's state by the right side's watermark.
    @Test func aLeftOuterJoinNeedsTheWatermarkOnTheOtherSide() throws {
        let (noRight, _) = try refusal { l, r in left(l).join(right(r, watermark: false), on: range, type: .leftOuter) }
        #expect(noRight?.condition == "_LEGACY_ERROR_TEMP_3102")
        let (noLeft, _) = try refusal { l, r in left(l, watermark: false).join(right(r), on: range, type: .leftOuter) }
        #expect(noLeft == nil)
    }

    /// Full outer needs both sides bounded: a one-sided range is not enough.
    @Test func aFullOuterJoinNeedsBothSidesBounded() throws {
        let oneSided = keys && col("leftTime") < col("rightTime") - .seconds(5)
        let (e, _) = try refusal { l, r in left(l).join(right(r), on: oneSided, type: .fullOuter) }
        #expect(e?.text.hasPrefix("Stream-stream FullOuter join") == true)
        let (ok, _) = try refusal { l, r in left(l).join(right(r), on: range, type: .fullOuter) }
        #expect(ok == nil)
    }

    @Test func aWindowOrEventTimeKeyIsEnoughForAnOuterJoin() throws {
        let window = keys && windowStart(col("leftTime"), .seconds(10)) == windowStart(col("rightTime"), .seconds(10))
        let (e, _) = try refusal { l, r in left(l).join(right(r, watermark: false), on: window, type: .fullOuter) }
        #expect(e == nil)
        let (onTime, _) = try refusal { l, r in left(l).join(right(r), on: keys && col("leftTime") == col("rightTime"), type: .leftOuter) }
        #expect(onTime == nil)
    }

    @Test(arguments: [OutputMode.update, .complete])
    func aJoinRunsInAppendModeOnly(mode: OutputMode) throws {
        let (e, _) = try refusal(mode: mode) { l, r in left(l).join(right(r), on: range) }
        if mode == .update {
            #expect(e?.text == "Join between two streaming DataFrames/Datasets is not supported in Update output mode, only in Append output mode")
        } else {
            // Spark checks complete mode's aggregation first.
            #expect(e?.condition == "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION")
        }
    }

    @Test func aJoinWithoutAnEqualityIsRefused() throws {
        let (e, _) = try refusal { l, r in left(l).join(right(r), on: col("leftTime") < col("rightTime")) }
        #expect(e?.message == "Stream-stream join without equality predicate is not supported.")
    }

    @Test func sidesSharingAColumnNameAreRefused() throws {
        let (e, _) = try refusal { l, r in l.join(r, on: col("key") == col("key")) }
        #expect(e?.condition == "SLUICE_JOIN_SHARED_COLUMN_NAMES")
        #expect(e?.text.contains("`key`, `time`") == true)
    }

    @Test func anUnknownColumnInTheConditionIsReported() throws {
        let (e, _) = try refusal { l, r in left(l).join(right(r), on: col("leftKey") == col("rightKye")) }
        #expect(e?.condition == "UNRESOLVED_COLUMN.WITH_SUGGESTION")
    }

    /// The checkpoint remembers the join's definition: a restart with another join type is
    /// refused, naming the change, instead of reading state built for another join.
    @Test func aChangedJoinIsRefusedAtRestart() throws {
        let build = { (type: StreamJoinType) in
            { @Sendable (l: DataStream, r: DataStream) -> DataStream in
                l.joinSide("left", factor: 2, watermark: .seconds(10)).join(
                    r.joinSide("right", factor: 3, watermark: .seconds(10)),
                    on: col("leftKey") == col("rightKey") && col("leftTime") == col("rightTime"), type: type)
            }
        }
        let h = try JoinHarness(build(.inner))
        try h.add(left: [1], right: [1])
        let session = StreamingSession()
        let changed = build(.leftOuter)(
            try session.readStream.schema(JoinHarness.schema).load(h.dir.sub("left")),
            try session.readStream.schema(JoinHarness.schema).load(h.dir.sub("right")))
        do {
            let q = try changed.writeStream.foreachBatch { _, _ in }.checkpointLocation(h.dir.sub("cp")).trigger(.availableNow).start()
            try q.awaitTermination()
            Issue.record("a changed join type must be refused")
        } catch let e as CheckpointError {
            #expect(e.description.contains("operator 0 (stream-stream join): join type was Inner, now LeftOuter"), "\(e)")
        }
    }

    /// Spark ≥ 3.4 runs an aggregation after a join; Sluice refuses it until that chain is built.
    @Test func anAggregationAfterAJoinIsRefusedForNow() throws {
        let (e, created) = try refusal { l, r in
            left(l).join(right(r), on: range, type: .inner).groupBy(window(col("leftTime"), .seconds(10))).count()
        }
        #expect(e?.condition == "SLUICE_UNSUPPORTED_OPERATION.STATEFUL_AFTER_STREAM_JOIN")
        #expect(!created)
    }
}
