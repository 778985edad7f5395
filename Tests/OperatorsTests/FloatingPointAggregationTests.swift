import Columnar
import StateTestSupport
import Formats
import Testing

@testable import Operators
@testable import State

/// Spark's floating-point rules for aggregation: `min`/`max` compare with SQL ordering (-0.0
/// equals 0.0, NaN is above every other value) and keep the first of equal values, as
/// `Greatest`/`Least` do; stored aggregates keep every bit; grouping keys are normalised (Spark's
/// `NormalizeFloatingNumbers`), so -0.0 and 0.0 form one group, and so do all NaNs.
@Suite struct FloatingPointAggregationTests {
    static let input = Schema([Field("k", .string), Field("x", .double)])

    func aggregation(
        _ cp: TemporaryCheckpoint, mode: OutputMode, keys: [Expr] = [col("k")], of column: String = "x"
    ) throws -> StreamingAggregation {
        try StreamingAggregation(
            keys: keys, window: nil, aggregates: [min(col(column)), max(col(column))], input: Self.input, eventTimeColumn: nil,
            mode: mode, operatorId: 0,
            stateProvider: { k, v in
                try FileStateStoreProvider(checkpointRoot: cp.path, operatorId: 0, keySchema: k, valueSchema: v, configuredPartitions: 2)
            })
    }

    func run(_ op: StreamingAggregation, batch: Int64, _ rows: [[Value]]) throws -> [[Value]] {
        let out = try op.process(
            try RecordBatch.fromRows(rows, schema: Self.input),
            context: StatefulContext(batchId: batch, watermarkForLateEvents: nil, watermarkForEviction: nil))
        try op.commit()
        return out.rows.rows
    }

    /// The bit pattern, so -0.0 and 0.0 (equal as numbers) are told apart.
    func bits(_ v: Value) -> UInt64? {
        if case .double(let d) = v { return d.bitPattern }
        return nil
    }

    @Test func minAndMaxKeepTheFirstOfMinusZeroAndZero() throws {
        let cp = TemporaryCheckpoint()
        let op = try aggregation(cp, mode: .update)
        let negativeFirst = try run(op, batch: 0, [["a", -0.0], ["a", 0.0]])
        #expect(bits(negativeFirst[0][1]) == (-0.0).bitPattern && bits(negativeFirst[0][2]) == (-0.0).bitPattern)
        let cp2 = TemporaryCheckpoint()
        let positiveFirst = try run(try aggregation(cp2, mode: .update), batch: 0, [["a", 0.0], ["a", -0.0]])
        #expect(bits(positiveFirst[0][1]) == (0.0).bitPattern && bits(positiveFirst[0][2]) == (0.0).bitPattern)
    }

    @Test func nanIsGreaterThanEveryOtherValue() throws {
        let cp = TemporaryCheckpoint()
        let op = try aggregation(cp, mode: .update)
        let out = try run(op, batch: 0, [["a", 1.0], ["a", .double(.nan)], ["a", .double(.infinity)], ["a", -5.0]])
        #expect(out[0][1] == -5.0)
        guard case .double(let m) = out[0][2] else { Issue.record("max is not a double"); return }
        #expect(m.isNaN)
        // Across batches too: the stored NaN stays the maximum, the new minimum wins.
        let next = try run(op, batch: 1, [["a", .double(.infinity)], ["a", -7.0]])
        #expect(next[0][1] == -7.0)
        guard case .double(let m2) = next[0][2] else { Issue.record("max is not a double"); return }
        #expect(m2.isNaN)
    }

    @Test func aStoredMinusZeroSurvivesARestart() throws {
        let cp = TemporaryCheckpoint()
        _ = try run(try aggregation(cp, mode: .complete), batch: 0, [["a", -0.0]])
        // A new operator and provider on the same checkpoint: the value comes from the files.
        let restarted = try aggregation(cp, mode: .complete)
        let out = try run(restarted, batch: 1, [["b", 1.0]])
        let a = try #require(out.first { $0[0] == "a" })
        #expect(bits(a[1]) == (-0.0).bitPattern)
        #expect(bits(a[2]) == (-0.0).bitPattern)
    }

    @Test func minusZeroAndZeroKeysFormOneGroupShownAsZero() throws {
        let cp = TemporaryCheckpoint()
        let op = try aggregation(cp, mode: .update, keys: [col("x")], of: "k")
        let out = try run(op, batch: 0, [["a", -0.0], ["b", 0.0], ["c", .double(.nan)], ["d", .double(-Double.nan)]])
        #expect(out.count == 2)
        let zero = try #require(out.first { if case .double(let d) = $0[0] { return d == 0 } else { return false } })
        #expect(bits(zero[0]) == (0.0).bitPattern)
        #expect(zero[1] == "a" && zero[2] == "b")  // min and max of k over the group
        let nanGroup = try #require(out.first { if case .double(let d) = $0[0] { return d.isNaN } else { return false } })
        #expect(bits(nanGroup[0]) == Double.nan.bitPattern)
        // The next batch finds the same groups in state.
        let next = try run(op, batch: 1, [["e", 0.0], ["f", .double(.nan)]])
        #expect(next.count == 2)
        #expect(next.contains { bits($0[0]) == (0.0).bitPattern && $0[1] == "a" && $0[2] == "e" })
    }

    @Test func valueCodecKeepsBitsAndKeyCodecNormalises() throws {
        let schema = Schema([Field("d", .double)])
        let payloadNaN = Double(bitPattern: 0x7FF8_0000_0000_0001)
        let values = RowCodec(schema, normalizesDoubles: false)
        for d in [-0.0, payloadNaN] {
            guard case .double(let back) = try values.decode(values.encode([.double(d)]))[0] else { Issue.record("not a double"); continue }
            #expect(back.bitPattern == d.bitPattern)
        }
        let keys = RowCodec(schema)
        #expect(try keys.encode([.double(-0.0)]) == keys.encode([.double(0.0)]))
        #expect(try keys.encode([.double(payloadNaN)]) == keys.encode([.double(.nan)]))
    }
}
