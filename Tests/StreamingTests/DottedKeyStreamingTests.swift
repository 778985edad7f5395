import Foundation
import Testing

@testable import Streaming

/// Literal dotted keys (`` `service.name` ``) next to nested paths (`resource.host`) through
/// whole queries: filters pushed into the reader, column pruning, aggregation and a Delta table.
@Suite struct DottedKeyStreamingTests {
    static let schema = Schema([
        Field("`service.name`", .string),
        Field("resource.host", .string),
        Field("`http.status_code`", .int64),
        Field("ts", .timestamp),
    ])

    func writeInput(_ dir: TempDir) throws {
        try FileSystem.createDirectory(dir.sub("in"))
        let lines = [
            #"{"service.name":"checkout","resource":{"host":"h1"},"http.status_code":500,"ts":"2026-11-25T10:00:00Z"}"#,
            #"{"service.name":"checkout","resource":{"host":"h2"},"http.status_code":200,"ts":"2026-11-25T10:00:01Z"}"#,
            #"{"service":{"name":"checkout"},"resource.host":"h9","http.status_code":503,"ts":"2026-11-25T10:00:02Z"}"#,
            #"{"service.name":"cart","resource":{"host":"h3"},"http.status_code":502,"ts":"2026-11-25T10:00:03Z"}"#,
            #"{"service.name":"checkout","resource":{"host":"h4"},"http.status_code":504,"ts":"2026-11-25T10:00:04Z"}"#,
        ]
        try DurableFile.writeNew(dir.sub("in", "otel.jsonl"), Array(lines.joined(separator: "\n").utf8))
    }

    @Test func filterPushdownAndPruningUseTheLiteralColumn() throws {
        let dir = TempDir()
        try writeInput(dir)
        let stream = try StreamingSession().readStream.schema(Self.schema).load(dir.sub("in"))
            .filter(col("`service.name`") == "checkout" && col("`http.status_code`") >= 500)
            .select(col("`service.name`"), col("resource.host"), col("`http.status_code`").as("status"))
        let planned = QueryPlanner.optimize(stream.plan, pruneColumns: true).sources[0]
        let spec = try #require(planned as? FileSourceProvider)
        #expect(spec.options.reader.scanFilter == ScanFilter([.init(field: "service.name", values: ["checkout"])]))
        #expect(spec.schema.names == ["service.name", "resource.host", "http.status_code"])

        let sink = MemorySink(name: "otel-\(UUID())")
        try stream.writeStream.format(.custom(sink)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        #expect(try sink.table()?.schema.names == ["service.name", "resource.host", "status"])
        #expect(sink.rows == [["checkout", "h1", 500], ["checkout", "h4", 504]])
    }

    @Test func groupByQuotedName() throws {
        let dir = TempDir()
        try writeInput(dir)
        let sink = MemorySink(name: "otel-agg-\(UUID())")
        try StreamingSession().readStream.schema(Self.schema).load(dir.sub("in"))
            .groupBy("`service.name`").agg(count().as("n"))
            .writeStream.format(.custom(sink)).outputMode(.complete).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        #expect(sink.rows == [[nil, 1], ["cart", 1], ["checkout", 3]])
    }

    @Test func literalDottedColumnLandsInADeltaTable() throws {
        let dir = TempDir()
        try writeInput(dir)
        try StreamingSession().readStream.schema(Self.schema).load(dir.sub("in"))
            .drop("`http.status_code`")
            .writeStream.format(.delta(dir.sub("t"))).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        let snap = try DeltaTable(path: dir.sub("t")).snapshot()
        #expect(snap.schema.names == ["service.name", "resource.host", "ts"])
        let rows = try snap.read(columns: ["service.name", "resource.host"]).batch.rows
        #expect(rows == [["checkout", "h1"], ["checkout", "h2"], [nil, nil], ["cart", "h3"], ["checkout", "h4"]])
    }

    @Test func schemasThatNameAColumnTwiceOrQuoteBadlyAreRefused() throws {
        let dir = TempDir()
        try writeInput(dir)
        let twice = Schema([Field("service.name", .string), Field("`service.name`", .string)])
        let error = #expect(throws: QueryError.self) { try StreamingSession().readStream.schema(twice).load(dir.sub("in")) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("'service.name'"))
        let open = Schema([Field("`service.name", .string)])
        #expect(throws: QueryError.self) { try StreamingSession().readStream.schema(open).load(dir.sub("in")) }
        #expect(throws: QueryError.self) { try StreamingSession().read.schema(twice).load(dir.sub("in")) }
    }
}
