import Columnar
import StateTestSupport
import Testing
@testable import State

@Suite struct RowCodecTests {
    static let everyType = Schema([
        Field("b", .bool), Field("i", .int64), Field("d", .double), Field("s", .string),
        Field("t", .timestamp), Field("day", .date), Field("i2", .int64), Field("s2", .string), Field("b2", .bool),
    ])

    @Test func roundTripsEveryTypeAndNulls() throws {
        let codec = RowCodec(Self.everyType)
        let rows: [[Value]] = [
            [.bool(true), .int64(-42), .double(3.25), .string("héllo, wörld"), .timestamp(1_700_000_000_123_456),
             .date(19_700), .int64(Int64.max), .string(""), .bool(false)],
            [.null, .null, .null, .null, .null, .null, .null, .null, .null],
            [.bool(false), .null, .double(-1e300), .null, .timestamp(-1), .null, .int64(Int64.min), .string("x"), .null],
            [.null, .int64(0), .double(.infinity), .string(String(repeating: "long ", count: 100)), .null,
             .date(-5), .null, .null, .bool(true)],
        ]
        for row in rows {
            #expect(try codec.decode(codec.encode(row)) == row)
        }
    }

    @Test func equalRowsGiveEqualBytes() throws {
        let codec = RowCodec(Self.everyType)
        func row(_ s: String, _ d: Double) -> [Value] {
            [.bool(true), .int64(7), .double(d), .string(s), .timestamp(9), .date(3), .null, .string("z"), .null]
        }
        let text = String(["s", "v", "c"])  // built at run time, not the same literal storage
        #expect(try codec.encode(row(text, 1.5)) == codec.encode(row("svc", 1.5)))
        #expect(try codec.encode(row("svc", 1.5)) != codec.encode(row("svd", 1.5)))
        // Floating-point keys that must group together encode together.
        #expect(try codec.encode(row("a", -0.0)) == codec.encode(row("a", 0.0)))
        #expect(try codec.encode(row("a", .nan)) == codec.encode(row("a", -.nan)))
    }

    @Test func pinsTheByteLayout() throws {
        // A change here breaks every existing checkpoint: bump the state format version instead.
        let codec = RowCodec(Schema([Field("a", .int64), Field("b", .string), Field("c", .bool), Field("d", .date)]))
        #expect(try codec.encode([1, "hi", nil, .date(2)]) == [0b0000_0100, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69, 2, 0, 0, 0])
        #expect(try RowCodec(Schema([])).encode([]) == [])
    }

    @Test func rejectsRowsThatDoNotFitTheSchema() {
        let codec = RowCodec(StateFixtures.valueSchema)
        #expect(throws: RowCodecError.fieldCount(expected: 2, got: 1, schema: StateFixtures.valueSchema.description)) {
            try codec.encode([1])
        }
        #expect(throws: RowCodecError.typeMismatch(field: "count", expected: .int64, got: .string("1"))) {
            try codec.encode(["1", nil])
        }
        #expect(throws: RowCodecError.nullInNonNullableField("count")) { try codec.encode([nil, 1.0]) }
    }

    @Test func rejectsMalformedBytes() throws {
        let codec = RowCodec(StateFixtures.keySchema)
        let good = try codec.encode(["svc", .timestamp(5)])
        #expect(throws: RowCodecError.self) { try codec.decode(Array(good.dropLast())) }
        #expect(throws: RowCodecError.self) { try codec.decode(good + [0]) }
        #expect(throws: RowCodecError.self) { try codec.decode([]) }
        #expect(good.withUnsafeBytes { codec.problem(in: $0) } == nil)
        #expect(Array(good.dropLast()).withUnsafeBytes { codec.problem(in: $0) } != nil)
    }
}
