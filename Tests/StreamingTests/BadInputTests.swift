import Foundation
import Testing

@testable import Streaming

/// Malformed lines in streaming queries: `badRecordsPath` takes them out of the result whatever
/// the mode (Databricks' behaviour), the corrupt-record column exists only when declared, and
/// column pruning never changes which lines count as malformed when that is visible.
@Suite struct BadInputTests {
    static let lines = [
        #"{"id":1,"user":"a","amount":1.5,"ts":"2026-11-25T10:00:00Z"}"#,
        #"{"id":2,"user":"b","amount":2.5,"ts":"2026-11-25T10:00:01Z""#,  // no closing brace
        #"{"id":3,"user":"c","amount":"abc","ts":"2026-11-25T10:00:02Z"}"#,  // amount is not a number
        #"{"id":4,"user":"d","amount":4.5,"ts":"2026-11-25T10:00:03Z"}"#,
    ]

    func writeInput(_ dir: TempDir) throws {
        try FileSystem.createDirectory(dir.sub("in"))
        try DurableFile.writeNew(dir.sub("in", "mixed.jsonl"), Array((Self.lines.joined(separator: "\n") + "\n").utf8))
    }

    func badRecordLines(_ dir: TempDir) throws -> [Int] {
        let text = try FileSystem.readString(dir.sub("bad", "batch=0", "mixed.jsonl.json"))
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["record"] as? String == Self.lines[(object["line"] as! Int) - 1])
            return object["line"] as! Int
        }
    }

    /// The incident: permissive mode with badRecordsPath put the malformed lines into the Delta
    /// table as null rows, with a `_corrupt_record` column nobody declared.
    @Test func badRecordsPathKeepsMalformedLinesOutOfTheTable() throws {
        let dir = TempDir()
        try writeInput(dir)
        let q = try StreamingSession().readStream.schema(eventSchema).option(.badRecordsPath(dir.sub("bad"))).load(dir.sub("in"))
            .withColumn("date", toDate(col("ts")))
            .writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"])).checkpointLocation(dir.sub("cp"))
            .trigger(.availableNow).start()
        try q.awaitTermination()
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.schema.names == ["id", "user", "amount", "ts", "date"])
        let rows = try snap.read(columns: ["id", "amount"]).batch.rows.sorted { "\($0)" < "\($1)" }
        #expect(rows == [[1, 1.5], [4, 4.5]])
        #expect(try badRecordLines(dir) == [2, 3])
        #expect(q.lastProgress?.sources[0].numMalformedRows == 2)
    }

    @Test(arguments: [MalformedMode.permissive, .dropMalformed, .failFast])
    func badRecordsPathTakesPrecedenceOverTheMode(mode: MalformedMode) throws {
        let dir = TempDir()
        try writeInput(dir)
        let sink = MemorySink(name: "precedence-\(UUID())")
        let schema = eventSchema.setting(Field("_corrupt_record", .string))
        let q = try StreamingSession().readStream.schema(schema).option(.mode(mode)).option(.badRecordsPath(dir.sub("bad")))
            .load(dir.sub("in"))
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(ids(sink) == [1, 4])
        #expect(sink.rows.allSatisfy { $0[4] == .null }, "the declared corrupt-record column stays null: its rows went to badRecordsPath")
        #expect(try badRecordLines(dir) == [2, 3])
    }

    @Test func undeclaredCorruptColumnIsNotInTheStream() throws {
        let dir = TempDir()
        try writeInput(dir)
        let sink = MemorySink(name: "undeclared-\(UUID())")
        let stream = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
        #expect(try stream.schema().names == ["id", "user", "amount", "ts"])
        try stream.writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(sink.rows.map { [$0[0], $0[2]] } == [[1, 1.5], [nil, nil], [3, nil], [4, 4.5]])
    }

    /// Declared but not selected: the column is pruned away and, in permissive mode, only the
    /// columns read are converted, so a bad `amount` does not touch a query that never reads it.
    @Test func declaredButNotSelectedCorruptColumnIsPruned() throws {
        let dir = TempDir()
        try writeInput(dir)
        let stream = try StreamingSession().readStream.schema(eventSchema.setting(Field("_corrupt_record", .string)))
            .load(dir.sub("in")).select("id", "user")
        #expect(ColumnPruning.apply(stream.plan).sources[0].schema.names == ["id", "user"])
        let sink = MemorySink(name: "pruned-corrupt-\(UUID())")
        let q = try stream.writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(sink.rows == [[1, "a"], [nil, nil], [3, "c"], [4, "d"]])
        #expect(q.lastProgress?.sources[0].numMalformedRows == 1)
    }

    /// Selected: the corrupt-record column must say the same whichever other columns the query
    /// reads, so every declared field is converted.
    @Test func selectedCorruptColumnJudgesEveryDeclaredField() throws {
        let dir = TempDir()
        try writeInput(dir)
        let stream = try StreamingSession().readStream.schema(eventSchema.setting(Field("_corrupt_record", .string)))
            .load(dir.sub("in")).select("id", "_corrupt_record")
        #expect(ColumnPruning.apply(stream.plan).sources[0].schema.names == ["id", "user", "amount", "ts", "_corrupt_record"])
        let sink = MemorySink(name: "selected-corrupt-\(UUID())")
        try stream.writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(try sink.table()?.schema.names == ["id", "_corrupt_record"])
        // Line 3 parses, so its `id` is kept (only `amount` failed); line 2 does not parse at all.
        #expect(sink.rows == [[1, nil], [nil, .string(Self.lines[1])], [3, .string(Self.lines[2])], [4, nil]])
    }

    /// Which rows exist must not depend on the columns a query reads: with badRecordsPath (or
    /// dropMalformed) a query reading only `id` still loses the line whose `amount` is bad.
    @Test(arguments: [true, false])
    func rowsLeftOutDoNotDependOnTheColumnsRead(badRecordsPath: Bool) throws {
        let dir = TempDir()
        try writeInput(dir)
        var reader = StreamingSession().readStream.schema(eventSchema)
        reader = badRecordsPath ? reader.option(.badRecordsPath(dir.sub("bad"))) : reader.option(.mode(.dropMalformed))
        let sink = MemorySink(name: "judged-\(UUID())")
        let q = try reader.load(dir.sub("in")).select("id")
            .writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
        try q.awaitTermination()
        #expect(sink.rows == [[1], [4]])
        #expect(q.lastProgress?.sources[0].numMalformedRows == 2)
        if badRecordsPath { #expect(try badRecordLines(dir) == [2, 3]) }
    }
}
