import Foundation
import Testing

@testable import Streaming

/// Stream-static joins with a table re-read when it changes (`DataReader.refreshing()`).
@Suite struct RefreshingStaticTableTests {
    static let dimension = Schema([Field("key", .string), Field("name", .string)])

    /// Replaces `path` with rows (key, name) the way producers do: a new file renamed over it.
    func writeTable(_ path: String, _ rows: [(String, String)]) throws {
        let text = rows.map { #"{"key":"\#($0.0)","name":"\#($0.1)"}"# }.joined(separator: "\n") + "\n"
        let temp = FilePaths.join(FilePaths.parent(path), ".tmp-" + UUID().uuidString)
        try DurableFile.writeNew(temp, Array(text.utf8))
        try FileSystem.rename(temp, path)
    }

    func names(_ rows: [[Value]]) -> [String] {
        rows.map { "\($0[0]) \($0[1])" }
    }

    @Test func aChangedFileIsReReadAndUsedFromTheNextBatchOn() throws {
        let dir = TempDir()
        let path = dir.sub("customers.jsonl")
        try writeTable(path, [("a", "Ann")])
        let table = try StreamingSession().read.schema(Self.dimension).refreshing().load(path)
        let h = try StreamHarness(mode: .append) { s in s.join(table, on: "key", type: .leftOuter).select("key", "name") }
        try h.add([("a", 1, 1), ("b", 1, 1)])
        #expect(names(h.newRows()) == ["a Ann", "b null"])
        try writeTable(path, [("a", "Anna"), ("b", "Bob")])
        try h.add([("a", 2, 2), ("b", 2, 2)])
        #expect(names(h.newRows()) == ["a Anna", "b Bob"])
        try h.add([("b", 3, 3)])
        #expect(names(h.newRows()) == ["b Bob"])
        let tables = h.q.recentProgress.map { $0.staticTables?.first }
        #expect(tables.map { $0?.refreshed } == [false, true, false])
        #expect(tables.allSatisfy { $0?.description == "static table \(path)" && $0?.version == "1 file" })
    }

    @Test func aFileAddedToTheDirectoryOrRemovedFromItChangesTheTable() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("dim"))
        try writeTable(dir.sub("dim", "1.jsonl"), [("a", "Ann")])
        let table = try StreamingSession().read.schema(Self.dimension).refreshing().load(dir.sub("dim"))
        let h = try StreamHarness(mode: .append) { s in s.join(table, on: "key").select("key", "name") }
        try h.add([("a", 1, 1), ("b", 1, 1)])
        #expect(names(h.newRows()) == ["a Ann"])
        try writeTable(dir.sub("dim", "2.jsonl"), [("b", "Bob")])
        try h.add([("a", 2, 2), ("b", 2, 2)])
        #expect(names(h.newRows()) == ["a Ann", "b Bob"])
        try FileSystem.remove(dir.sub("dim", "1.jsonl"))
        try h.add([("a", 3, 3), ("b", 3, 3)])
        #expect(names(h.newRows()) == ["b Bob"])
        #expect(h.q.recentProgress.compactMap { $0.staticTables?.first?.version } == ["1 file", "2 files", "1 file"])
    }

    @Test func aNewDeltaVersionIsUsedFromTheNextBatchOn() throws {
        let dir = TempDir()
        let path = dir.sub("customers")
        let sink = DeltaSink(path: path)
        try sink.open(SinkContext(queryId: "dimension", queryName: nil, outputMode: .complete, schema: Self.dimension))
        try sink.addBatch(0, try RecordBatch.fromRows([[.string("a"), .string("Ann")]], schema: Self.dimension))
        let table = try StreamingSession().read.format(.delta).refreshing().load(path)
        let h = try StreamHarness(mode: .append) { s in s.join(table, on: "key", type: .leftOuter).select("key", "name") }
        try h.add([("a", 1, 1), ("b", 1, 1)])
        #expect(names(h.newRows()) == ["a Ann", "b null"])
        // Complete mode replaces the table's rows in one commit: version 1.
        try sink.addBatch(1, try RecordBatch.fromRows([[.string("a"), .string("Anna")], [.string("b"), .string("Bob")]], schema: Self.dimension))
        try h.add([("a", 2, 2), ("b", 2, 2)])
        #expect(names(h.newRows()) == ["a Anna", "b Bob"])
        #expect(h.q.recentProgress.compactMap { $0.staticTables?.first?.version } == ["version 0", "version 1"])
        #expect(h.q.recentProgress.compactMap { $0.staticTables?.first?.refreshed } == [false, true])
    }

    @Test func aTableIsCheckedAtMostOncePerCheckInterval() throws {
        let dir = TempDir()
        let path = dir.sub("customers.jsonl")
        try writeTable(path, [("a", "Ann")])
        let table = try StreamingSession().read.schema(Self.dimension).refreshing(checkEvery: .seconds(60)).load(path)
        let join = try RefreshingStaticJoin(table.refresh!, stream: StreamHarness.schema, keys: ["key"], type: .inner, outputs: nil)
        let t0 = ContinuousClock.now
        let stream = try RecordBatch.fromRows([[.string("a"), .timestamp(0), .int64(1)]], schema: StreamHarness.schema)
        func nameJoined(at now: ContinuousClock.Instant) throws -> String {
            let (op, _) = try join.forBatch(now: now)
            return "\(try op.process(stream).column("name")[0])"
        }
        #expect(try nameJoined(at: t0) == "Ann")
        try writeTable(path, [("a", "Anna")])
        #expect(try nameJoined(at: t0 + .seconds(59)) == "Ann", "within the interval the table is not looked at")
        #expect(try nameJoined(at: t0 + .seconds(60)) == "Anna")
    }

    @Test func aVersionWithoutAJoinedColumnFailsTheBatchNamingTheColumn() throws {
        // A Delta table read without a declared schema takes its columns from the version read;
        // here the first version had a column `tier` the table no longer has.
        let dir = TempDir()
        let path = dir.sub("customers.jsonl")
        try writeTable(path, [("a", "Anna")])
        let withTier = Schema([Field("key", .string), Field("name", .string), Field("tier", .int64)])
        let first = try RecordBatch.fromRows([[.string("a"), .string("Ann"), .int64(1)]], schema: withTier)
        let source = StaticTableSource(reader: StreamingSession().read.schema(Self.dimension), path: path)
        let refresh = StaticTableRefresh(source: source, first: (.files([]), first), checkEvery: .zero)
        let join = try RefreshingStaticJoin(refresh, stream: StreamHarness.schema, keys: ["key"], type: .inner, outputs: nil)
        #expect {
            _ = try join.forBatch()
        } throws: { error in
            "\(error)".contains("static table \(path) changed its columns at 1 file (column 'tier' is gone)")
        }
    }
}
