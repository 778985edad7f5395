import Foundation
import Synchronization
import Testing

@testable import Streaming

/// Schemas are derived on the logical plan: a stream's schema is known without opening,
/// listing or building anything, and it is exactly what the query produces.
@Suite struct LogicalSchemaTests {
    static let campaigns = StaticTable(try! RecordBatch.fromRows([[.string("u1"), .string("c1")]], schema: Schema([Field("user", .string), Field("campaign", .string)])))

    /// Queries covering every kind of logical node.
    static func queries(_ events: DataStream) -> [(String, DataStream, OutputMode)] {
        let watermarked = events.withWatermark("ts", delay: .seconds(5))
        return [
            ("stateless", events.filter(col("amount") > 1).withColumn("double", col("amount") * 2).drop("user").select(col("id"), col("double")), .append),
            ("window", watermarked.groupBy(window(col("ts"), .seconds(10)), col("user")).agg(count(), avg(col("amount")), max(col("id"))), .append),
            ("session", watermarked.groupBy(sessionWindow(col("ts"), .seconds(10)), col("user")).agg(sum(col("amount"))), .append),
            ("dedup", watermarked.dropDuplicates("id", "ts"), .append),
            ("join", events.join(campaigns, on: "user"), .append),
            ("union", events.union(events.select("id", "user", "amount", "ts")), .append),
            ("complete", events.groupBy(col("user")).agg(approxCountDistinct(col("id"))), .complete),
        ]
    }

    @Test func aFileStreamsSchemaNeedsNeitherItsDirectoryNorAState() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let events = try StreamingSession().readStream.schema(eventSchema.setting(Field("date", .date))).load(dir.sub("in"))
        try FileSystem.removeTree(dir.sub("in"))
        let windowed = try events.withWatermark("ts", delay: .seconds(5))
            .groupBy(window(col("ts"), .seconds(10)), col("date")).agg(count()).schema()
        #expect(windowed.names == ["window_start", "window_end", "date", "count(1)"])
        #expect(windowed.fields.map(\.type) == [.timestamp, .timestamp, .date, .int64])
        #expect(try events.join(Self.campaigns, on: "user").schema().names == ["user", "id", "amount", "ts", "date", "campaign"])
        // Nothing was created on the way.
        #expect(!FileSystem.exists(dir.sub("in")))
    }

    @Test func theSchemaIsWhatTheQueryProduces() throws {
        let dir = TempDir()
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<30)
        let events = try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
        for (name, stream, mode) in Self.queries(events) {
            let schemas = Mutex<[Schema]>([])
            try stream.writeStream.foreachBatch { _, batch in schemas.withLock { $0.append(batch.schema) } }.outputMode(mode)
                .checkpointLocation(dir.sub("cp-\(name)")).trigger(.availableNow).start().awaitTermination()
            let produced = schemas.withLock { $0 }
            #expect(!produced.isEmpty, "\(name)")
            #expect(produced.allSatisfy { $0 == (try? stream.schema()) }, "\(name)")
        }
    }
}
