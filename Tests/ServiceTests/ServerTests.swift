import Foundation
import Streaming
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Service

/// The HTTP API and pages of a running app. (Served by the app's process: an in-process server
/// would compete for the test runner's few concurrency threads with tests that block them.)
@Suite(.serialized) struct ServerTests {
    struct Summary: Decodable {
        var name: String
        var status: String
        var lastBatchId: Int64?
    }

    @Test func apiListsQueriesServesProgressAndStopsOnlyWithTheToken() throws {
        let f = try PipelineFixture("server")
        defer { f.remove() }
        try LogFiles.write(into: f.input, file: 0)
        let app = try f.start(["run", "--port", "0", "--trigger", "100ms", "--token", "secret-token"])
        defer { app.kill() }
        let base = "http://127.0.0.1:\(try app.announcedPort())"
        #expect(!app.stdout.contains("shown once"), "a configured token is not printed")
        let list = try app.waitFor("both queries with a batch", timeout: 60) { _ -> [Summary]? in
            guard let body = try? HTTP.get(base + "/api/queries"),
                let list = try? JSONDecoder().decode([Summary].self, from: Data(body.utf8)),
                list.count == 2, list.allSatisfy({ $0.lastBatchId != nil })
            else { return nil }
            return list
        }
        #expect(list.map(\.name) == ["errors", "errors_per_minute"])
        #expect(list.allSatisfy { $0.status == "running" })
        let records = try JSONDecoder().decode([StreamingQueryProgress].self, from: Data(try HTTP.get(base + "/api/queries/errors/progress").utf8))
        #expect(records.first?.batchId == 0 && records.first?.numInputRows == Int64(LogFiles.linesPerFile))
        let lastOne = try JSONDecoder().decode([StreamingQueryProgress].self, from: Data(try HTTP.get(base + "/api/queries/errors/progress?last=1").utf8))
        #expect(lastOne.count == 1)
        #expect(try HTTP.request(base + "/api/queries/nope/progress").status == 404)

        let page = try HTTP.get(base + "/")
        #expect(page.contains(#"<script src="/ui.js"></script>"#))
        // Nothing loads from elsewhere: the page, its script and its style name no other host.
        for asset in ["/", "/ui.js", "/ui.css"] {
            // (The SVG namespace is a name, not something fetched.)
            let text = try HTTP.get(base + asset).replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"), "\(asset)")
        }
        let exposition = try HTTP.request(base + "/metrics")
        #expect(exposition.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(Exposition(exposition.body).value("sluice_query_input_rows_total", ["query": "errors"]) ?? 0 >= Double(LogFiles.linesPerFile))

        let stopURL = base + "/api/queries/errors/stop"
        let anonymous = try HTTP.request(stopURL, method: "POST")
        #expect(anonymous.status == 401 && anonymous.headers["www-authenticate"] == "Bearer")
        #expect(try HTTP.request(stopURL, method: "POST", headers: ["Authorization": "Bearer secret-tokem"]).status == 401)
        #expect(try HTTP.request(base + "/api/queries/nope/stop", method: "POST", headers: ["Authorization": "Bearer secret-token"]).status == 404)
        #expect(try HTTP.request(stopURL, method: "POST", headers: ["Authorization": "Bearer secret-token"]).status == 202)
        let after = try app.waitFor("errors stopped", timeout: 60) { _ -> [Summary]? in
            guard let body = try? HTTP.get(base + "/api/queries"), let list = try? JSONDecoder().decode([Summary].self, from: Data(body.utf8)),
                list.first?.status == "stopped"
            else { return nil }
            return list
        }
        #expect(after[1].status == "running", "the other query keeps running")
        app.signal(SIGTERM)
        #expect(app.waitForExit(timeout: 60) == 0)
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
