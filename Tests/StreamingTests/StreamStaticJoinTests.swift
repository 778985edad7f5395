import Foundation
import Testing

@testable import Streaming

@Suite struct StreamStaticJoinTests {
    static let campaignSchema = Schema([Field("key", .string), Field("campaign", .string)])

    func table(_ dir: TempDir, _ lines: String) throws -> StaticTable {
        try DurableFile.writeNew(dir.sub("campaigns.jsonl"), Array(lines.utf8))
        return try StreamingSession().read.schema(Self.campaignSchema).load(dir.sub("campaigns.jsonl"))
    }

    @Test func innerJoinKeepsMatchesInStaticOrderAndDropsNullKeys() throws {
        let dir = TempDir()
        let campaigns = try table(dir, #"{"key":"a","campaign":"c1"}\#n{"key":"b","campaign":"c2"}\#n{"key":"a","campaign":"c3"}\#n{"key":null,"campaign":"cx"}"#)
        let h = try StreamHarness(mode: .append) { s in s.join(campaigns, on: "key").select("key", "value", "campaign") }
        try h.add([("a", 1, 1), ("b", 2, 2), ("z", 3, 3)])
        #expect(h.newRows() == [
            [.string("a"), .int64(1), .string("c1")], [.string("a"), .int64(1), .string("c3")],
            [.string("b"), .int64(2), .string("c2")],
        ])
    }

    @Test func leftOuterJoinKeepsUnmatchedRowsWithNulls() throws {
        let dir = TempDir()
        let campaigns = try table(dir, #"{"key":"a","campaign":"c1"}"#)
        let h = try StreamHarness(mode: .append) { s in s.join(campaigns, on: "key", type: .leftOuter) }
        try h.add([("a", 1, 1), ("z", 3, 3)])
        let rows = h.newRows()
        #expect(rows.map { $0[0] } == [.string("a"), .string("z")])
        #expect(rows.map { $0.last! } == [.string("c1"), .null])
    }

    @Test func joinKeepsTheWatermarkForAWindowedAggregation() throws {
        let dir = TempDir()
        let campaigns = try table(dir, #"{"key":"a","campaign":"c1"}\#n{"key":"b","campaign":"c1"}\#n{"key":"c","campaign":"c2"}"#)
        let h = try StreamHarness(mode: .append) { s in
            s.join(campaigns, on: "key").withWatermark("ts", delay: .seconds(10))
                .groupBy(window(col("ts"), .seconds(10)), col("campaign")).count()
        }
        try h.add([("a", 1, nil), ("b", 2, nil), ("c", 3, nil), ("d", 4, nil)])
        try h.add([("a", 30, nil)])
        #expect(h.newRows().map { "\($0[2]) \($0[3])" } == ["c1 2", "c2 1"])
    }

    @Test func mismatchedKeyTypesAndClashingNamesAreRejected() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let stream = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
        let wrongType = StaticTable(try RecordBatch.fromRows([[1]], schema: Schema([Field("key", .int64)])))
        #expect(throws: QueryError.self) { _ = try stream.join(wrongType, on: "key").writeStream.format(.memory("j1")).start() }
        let clash = StaticTable(try RecordBatch.fromRows([["a", 1]], schema: Schema([Field("key", .string), Field("value", .int64)])))
        #expect(throws: QueryError.self) { _ = try stream.join(clash, on: "key").writeStream.format(.memory("j2")).start() }
    }
}

/// A filter right on a JSON source is also handed to its reader, which then skips the rows
/// before building them. Results and the input-row count must not change.
@Suite struct FilterPushdownTests {
    @Test func pushedFilterGivesTheSameRowsAndCountsEveryInputRow() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        // Users: plain, escaped ("u\u0031" is "u1"), null, missing, and a number (read as its text).
        let lines = (0..<30).map { i -> String in
            switch i % 6 {
            case 0: return #"{"id":\#(i),"user":"u1"}"#
            case 1: return #"{"id":\#(i),"user":"u\u0031"}"#
            case 2: return #"{"id":\#(i),"user":null}"#
            case 3: return #"{"id":\#(i)}"#
            case 4: return #"{"id":\#(i),"user":2}"#
            default: return #"{"id":\#(i),"user":"u2"}"#
            }
        }
        try DurableFile.writeNew(dir.sub("in", "a.jsonl"), Array(lines.joined(separator: "\n").utf8))
        func run(_ name: String, _ filter: Expr) throws -> (rows: [[Value]], inputRows: Int64) {
            let sink = MemorySink(name: "\(name)-\(UUID())")
            let q = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
                .filter(filter).select(col("id"))
                .writeStream.format(.custom(sink)).checkpointLocation(dir.sub(name)).trigger(.availableNow).start()
            try q.awaitTermination()
            return (sink.rows, q.recentProgress.reduce(0) { $0 + $1.numInputRows })
        }
        let pushable = col("user") == "u1" || col("user") == "2"
        // The same condition in a form the planner cannot push (the right side is not a literal).
        let opaque = col("user") == concat(lit(.string("u")), lit(.string("1"))) || col("user") == concat(lit(.string("2")))
        let pushed = try run("pushed", pushable)
        let reference = try run("not-pushed", opaque)
        #expect(pushed.rows == reference.rows)
        #expect(pushed.rows.map { $0[0] } == (0..<30).filter { [0, 1, 4].contains($0 % 6) }.map { .int64(Int64($0)) })
        #expect(pushed.inputRows == 30)

        // The plan `start()` builds hands the filter to the reader, and only the pushable one.
        func scanFilter(_ filter: Expr) throws -> ScanFilter? {
            let stream = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in")).filter(filter).select(col("id"))
            let spec = QueryPlanner.optimize(stream.plan, pruneColumns: true).sources[0]
            return try #require(spec as? FileSourceProvider).options.reader.scanFilter
        }
        #expect(try scanFilter(pushable) == ScanFilter([.init(field: "user", values: ["u1", "2"])]))
        #expect(try scanFilter(opaque) == nil)
    }

    @Test func onlyStringEqualitiesOnStringColumnsArePushed() {
        let schema = Schema([Field("a", .string), Field("b", .string), Field("n", .int64)])
        let f = FilterPushdown.scanFilter((col("a") == "x" || col("a") == "y") && col("b") == "z" && col("n") == 3, schema: schema)
        #expect(f == ScanFilter([.init(field: "a", values: ["x", "y"]), .init(field: "b", values: ["z"])]))
        #expect(FilterPushdown.scanFilter(col("a") == "x" || col("b") == "y", schema: schema) == nil)
        #expect(FilterPushdown.scanFilter(col("a") != "x", schema: schema) == nil)
        #expect(FilterPushdown.scanFilter(col("n") == "3", schema: schema) == nil)
    }
}
