import Foundation
import Streaming
import Testing

/// A source and a sink written outside the engine, against its public API only (this target
/// imports `Streaming` and nothing else, without `@testable`), run through real queries with
/// a checkpoint, stopped, crashed and restarted: every message reaches the sink exactly once.
@Suite struct SourceProviderTests {
    let root = NSTemporaryDirectory() + "sluice-provider-\(UUID().uuidString.lowercased())"

    func messages(_ values: Range<Int>) -> [MessageBus.Message] {
        values.map { MessageBus.Message(key: "k\($0 % 3)", value: Int64($0), time: Int64($0) * 1_000_000) }
    }

    func run(_ bus: MessageBus, sink: DirectorySink) throws -> StreamingQuery {
        let provider = BusSourceProvider(bus: bus, topic: "orders", maxMessagesPerBatch: 4)
        return try StreamingSession().readStream.source(provider)
            .filter(col("value") % 5 != 0)
            .select(col("value"), col("key"))
            .writeStream.format(.custom(sink)).checkpointLocation(root + "/cp").trigger(.availableNow).start()
    }

    /// The `value` of every line the sink holds.
    func values(_ sink: DirectorySink) throws -> [Int64] {
        try sink.lines().map { line in
            let field = line.split(separator: ",").first { $0.contains("\"value\"") }!
            return Int64(field.split(separator: ":")[1].filter(\.isNumber))!
        }
    }

    @Test func aCustomSourceAndSinkRunExactlyOnceAcrossRestartsAndACrash() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bus = MessageBus()
        bus.publish("orders", messages(0..<10))
        let sink = try DirectorySink(directory: root + "/out")
        try run(bus, sink: sink).awaitTermination()
        #expect(try sink.batchIds() == [0, 1, 2])  // 4 messages per batch

        // A restart with new messages continues after the last committed offset.
        bus.publish("orders", messages(10..<20))
        let crashing = try DirectorySink(directory: root + "/out", failAfterWriting: 4)
        let failed = try run(bus, sink: crashing)
        #expect(throws: DirectorySink.CrashAfterWrite.self) { try failed.awaitTermination() }
        // Batch 4 is in the sink but not committed: the restart runs it again with the same
        // offsets, the sink recognises it, and the query goes on.
        bus.publish("orders", messages(20..<23))
        let restarted = try run(bus, sink: sink)
        try restarted.awaitTermination()
        #expect(restarted.lastProgress?.sources[0].description == "BusSource[orders]")

        let expected = (0..<23).filter { $0 % 5 != 0 }.map(Int64.init)
        #expect(try values(sink) == expected)
        #expect(try sink.batchIds() == Array(0...6))  // 4, 4, 2, then 4, 4 (4 twice), 4, 1
    }

    /// The checkpoint remembers which topic it read: another topic on it is refused.
    @Test func theCheckpointRemembersTheSourcesIdentity() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bus = MessageBus()
        bus.publish("orders", messages(0..<3))
        try run(bus, sink: try DirectorySink(directory: root + "/out")).awaitTermination()
        let other = BusSourceProvider(bus: bus, topic: "payments")
        #expect {
            try StreamingSession().readStream.source(other)
                .writeStream.format(.custom(try DirectorySink(directory: root + "/out2"))).checkpointLocation(root + "/cp").start()
        } throws: { e in
            "\(e)".contains("bus orders") && "\(e)".contains("bus payments")
        }
    }

    /// A source whose every I/O fails: a stream's schema and the analysis of a query over it
    /// never call it.
    struct NoIOProvider: SourceProvider {
        struct Touched: Error {}
        var schema: Schema { BusSourceProvider.fullSchema }
        func identity() throws -> SourceIdentity { throw Touched() }
        func makeSource(metadataPath: String) throws -> any StreamSource { throw Touched() }
    }

    @Test func aStreamsSchemaTouchesNoSource() throws {
        let stream = StreamingSession().readStream.source(NoIOProvider())
            .withWatermark("ts", delay: .seconds(10))
            .groupBy(window(col("ts"), .minutes(1)), col("key")).agg(sum(col("value")).as("total"))
        let schema = try stream.schema()
        #expect(schema.names == ["window_start", "window_end", "key", "total"])
        #expect(schema.fields.map(\.type) == [.timestamp, .timestamp, .string, .int64])
        // Starting is the first time the source is asked for anything.
        #expect(throws: NoIOProvider.Touched.self) {
            try stream.writeStream.format(.memory("no-io-\(UUID())")).outputMode(.append).start()
        }
    }
}
