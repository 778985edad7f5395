import Foundation
import Streaming
import Synchronization

/// An in-process message bus: topics of messages appended in order, as a broker keeps a
/// partition. Messages are never changed once published, so a range of positions always
/// reads the same messages (what a `StreamSource` needs for exactly-once).
final class MessageBus: Sendable {
    struct Message: Sendable, Equatable {
        var key: String
        var value: Int64
        /// Event time, µs since the epoch.
        var time: Int64
    }

    private let topics = Mutex<[String: [Message]]>([:])
    /// Every read, for tests that check what a query asked for.
    let reads = Atomic<Int>(0)

    func publish(_ topic: String, _ messages: [Message]) {
        topics.withLock { $0[topic, default: []] += messages }
    }

    func count(_ topic: String) -> Int { topics.withLock { $0[topic]?.count ?? 0 } }

    func read(_ topic: String, _ range: Range<Int>) -> [Message] {
        reads.add(1, ordering: .relaxed)
        return topics.withLock { Array(($0[topic] ?? [])[range]) }
    }
}

/// A bus topic as a query source: the offset is the number of messages taken so far.
struct BusSourceProvider: SourceProvider {
    static let fullSchema = Schema([Field("key", .string), Field("value", .int64), Field("ts", .timestamp)])

    let bus: MessageBus
    let topic: String
    /// Messages per batch at most (nil: all available).
    var maxMessagesPerBatch: Int?
    /// Set by column pruning: the columns the query reads.
    var columns: Set<String>?

    var schema: Schema {
        guard let columns else { return Self.fullSchema }
        return Schema(Self.fullSchema.fields.filter { columns.contains($0.name) })
    }

    func identity() throws -> SourceIdentity { SourceIdentity(format: "bus", path: topic) }

    var readLimit: ReadLimit { maxMessagesPerBatch.map { .maxFiles($0) } ?? .all }

    func pruned(to columns: Set<String>) -> any SourceProvider {
        var copy = self
        copy.columns = columns
        return copy
    }

    func makeSource(metadataPath: String) throws -> any StreamSource {
        BusSource(bus: bus, topic: topic, schema: schema)
    }
}

/// The live source of a bus topic.
final class BusSource: StreamSource {
    let schema: Schema
    let description: String
    private let bus: MessageBus
    private let topic: String
    /// With `availableNow`: the messages published before the run started.
    private let availableNowEnd = Mutex<Int?>(nil)

    init(bus: MessageBus, topic: String, schema: Schema) {
        self.bus = bus
        self.topic = topic
        self.schema = schema
        description = "BusSource[\(topic)]"
    }

    func latestOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset? {
        let from = try start.map(Self.position) ?? 0
        var end = availableNowEnd.withLock { $0 } ?? bus.count(topic)
        if case .maxFiles(let n) = limit { end = min(end, from + n) }
        return end == 0 ? nil : Self.offset(max(end, from))
    }

    func prepareForAvailableNow() throws {
        let end = bus.count(topic)
        availableNowEnd.withLock { $0 = end }
    }

    func getBatch(start: SourceOffset?, end: SourceOffset, batchId: Int64) throws -> SourceBatch {
        let from = try start.map(Self.position) ?? 0
        let messages = bus.read(topic, from..<(try Self.position(end)))
        let rows = messages.map { m in
            schema.names.map { name -> Value in
                switch name {
                case "key": return .string(m.key)
                case "value": return .int64(m.value)
                default: return .timestamp(m.time)
                }
            }
        }
        return SourceBatch(batch: try RecordBatch.fromRows(rows, schema: schema), malformedRows: 0)
    }

    func commit(_ end: SourceOffset) throws {}

    static func offset(_ position: Int) -> SourceOffset { SourceOffset(json: "{\"position\":\(position)}") }

    struct BadOffset: Error {}

    static func position(_ offset: SourceOffset) throws -> Int {
        struct Shape: Decodable { var position: Int }
        guard let s = try? JSONDecoder().decode(Shape.self, from: Data(offset.json.utf8)) else { throw BadOffset() }
        return s.position
    }
}
