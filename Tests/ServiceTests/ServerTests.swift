import Foundation
import Logging
import Testing

@testable import Service
@testable import Streaming

/// The HTTP API and pages, served in process on a free port.
@Suite(.serialized) struct ServerTests {
    @Test func apiListsQueriesServesProgressAndStopsOnlyWithTheToken() async throws {
        let dir = try TestEnvironment.scratch("server")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        try EventFiles.write(input, "a.jsonl", minutes: [0, 1])
        let session = StreamingSession()
        let metrics = ServiceMetrics()
        session.streams.addListener(metrics.listener)
        let query = try session.readStream.format(.jsonLines).schema(EventFiles.schema).load(input)
            .writeStream.format(.memory("server_test")).queryName("served").trigger(.processingTime(.milliseconds(50))).start()
        defer { query.stop() }
        try query.processAllAvailable()
        let board = QueryBoard()
        board.add(name: "served", checkpoint: FilePaths.join(dir, "cp"), query: query)

        let server = ServiceServer(port: 0, board: board, metrics: metrics, token: "secret-token", logger: Logger(label: "test"))
        let bound = AsyncStream<Int>.makeStream()
        let serving = Task { try await server.run { bound.continuation.yield($0) } }
        defer { Task { await server.shutdown() } }
        _ = serving
        var ports = bound.stream.makeAsyncIterator()
        let port = try #require(await ports.next())
        let base = "http://127.0.0.1:\(port)"

        struct Summary: Decodable { var name: String; var status: String; var lastBatchId: Int64? }
        let list = try JSONDecoder().decode([Summary].self, from: Data(try HTTP.get(base + "/api/queries").utf8))
        #expect(list.map(\.name) == ["served"])
        #expect(list[0].status == "running" && list[0].lastBatchId == 0)
        let records = try JSONDecoder().decode([StreamingQueryProgress].self, from: Data(try HTTP.get(base + "/api/queries/served/progress").utf8))
        #expect(records.map(\.batchId) == [0])
        #expect(try HTTP.request(base + "/api/queries/nope/progress").status == 404)

        let page = try HTTP.get(base + "/")
        #expect(page.contains(#"<script src="/ui.js"></script>"#) && !page.contains("http://") && !page.contains("https://"))
        #expect(try HTTP.get(base + "/ui.js").contains("function chart("))
        let exposition = try HTTP.request(base + "/metrics")
        #expect(exposition.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(exposition.body.contains(#"sluice_query_input_rows_total{query="served"} 2"#))

        let anonymous = try HTTP.request(base + "/api/queries/served/stop", method: "POST")
        #expect(anonymous.status == 401 && anonymous.headers["www-authenticate"] == "Bearer")
        let wrong = try HTTP.request(base + "/api/queries/served/stop", method: "POST", headers: ["Authorization": "Bearer secret-tokem"])
        #expect(wrong.status == 401)
        #expect(query.isActive)
        let unknown = try HTTP.request(base + "/api/queries/nope/stop", method: "POST", headers: ["Authorization": "Bearer secret-token"])
        #expect(unknown.status == 404)
        let stop = try HTTP.request(base + "/api/queries/served/stop", method: "POST", headers: ["Authorization": "Bearer secret-token"])
        #expect(stop.status == 202)
        #expect(try query.awaitTermination(timeout: .seconds(30)))
        let after = try JSONDecoder().decode([Summary].self, from: Data(try HTTP.get(base + "/api/queries").utf8))
        #expect(after[0].status == "stopped")
    }

    @Test func tokensCompareWhole() {
        #expect(BearerToken.matches("Bearer abc", token: "abc"))
        #expect(BearerToken.matches("bearer abc", token: "abc"))
        #expect(!BearerToken.matches("Bearer ab", token: "abc"))
        #expect(!BearerToken.matches("abc", token: "abc"))
        #expect(!BearerToken.matches(nil, token: "abc"))
        #expect(!BearerToken.matches("Bearer ", token: ""))
        #expect(BearerToken.generate().count == 64)
    }
}
