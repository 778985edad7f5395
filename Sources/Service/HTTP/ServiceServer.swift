import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Streaming
import Synchronization

/// The HTTP side of a service: the web UI (`/`), its JSON API (`/api/queries`,
/// `/api/queries/{name}/progress`, `POST /api/queries/{name}/stop` with a bearer token) and
/// Prometheus metrics (`/metrics`). Binds to loopback unless told otherwise.
public final class ServiceServer: Sendable {
    public let host: String
    /// 0 picks a free port; `onBound` learns which.
    public let port: Int
    public let board: QueryBoard
    public let metrics: ServiceMetrics
    /// Stopping a query needs `Authorization: Bearer <token>`.
    public let token: String
    public let logger: Logger
    private let running = Mutex<(group: ServiceGroup?, stopped: Bool)>((nil, false))

    public init(host: String = "127.0.0.1", port: Int, board: QueryBoard, metrics: ServiceMetrics, token: String, logger: Logger) {
        self.host = host
        self.port = port
        self.board = board
        self.metrics = metrics
        self.token = token
        self.logger = logger
    }

    /// Serves until `shutdown()`. `onBound` gets the port once the server listens.
    public func run(onBound: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "sluice"),
            onServerRunning: { channel in onBound(channel.localAddress?.port ?? 0) },
            logger: logger)
        // Signals are the service's to handle (it stops the queries first), not the group's.
        let group = ServiceGroup(services: [app], logger: logger)
        let stoppedEarly = running.withLock { r in
            r.group = group
            return r.stopped
        }
        if stoppedEarly { return }
        try await group.run()
    }

    /// Stops accepting connections, finishes the requests in flight, and lets `run` return.
    public func shutdown() async {
        let group = running.withLock { r in
            r.stopped = true
            return r.group
        }
        await group?.triggerGracefulShutdown()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let board = board, metrics = metrics, token = token
        router.get("/") { _, _ in Self.response(UIAssets.indexHTML, type: "text/html; charset=utf-8") }
        router.get("/ui.js") { _, _ in Self.response(UIAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/ui.css") { _, _ in Self.response(UIAssets.stylesheet, type: "text/css; charset=utf-8") }
        router.get("/metrics") { _, _ in
            Self.response(metrics.exposition(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/api/queries") { _, _ in try Self.json(board.summaries()) }
        router.get("/api/queries/:name/progress") { request, context in
            let name = try context.parameters.require("name")
            guard let records = board.progress(of: name) else { return Self.notFound(name) }
            let last = request.uri.queryParameters.get("last", as: Int.self) ?? records.count
            return try Self.json(Array(records.suffix(max(0, last))))
        }
        router.post("/api/queries/:name/stop") { request, context in
            let name = try context.parameters.require("name")
            guard BearerToken.matches(request.headers[.authorization], token: token) else {
                var r = Self.response(#"{"error":"a bearer token is required to stop a query"}"#, type: "application/json", status: .unauthorized)
                r.headers[.wwwAuthenticate] = "Bearer"
                return r
            }
            guard board.requestStop(of: name) else { return Self.notFound(name) }
            return Self.response(#"{"name":\#(Self.quoted(name)),"status":"stopping"}"#, type: "application/json", status: .accepted)
        }
        return router
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return response(Array(try e.encode(value)), type: "application/json")
    }

    static func notFound(_ name: String) -> Response {
        response(#"{"error":"no query named \#(quoted(name).dropFirst().dropLast())"}"#, type: "application/json", status: .notFound)
    }

    static func quoted(_ s: String) -> String {
        String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    static func response(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        response(Array(text.utf8), type: type, status: status)
    }

    static func response(_ bytes: [UInt8], type: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
