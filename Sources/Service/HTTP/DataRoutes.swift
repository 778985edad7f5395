import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import Streaming

/// The dashboard and log-dump pages and their API, beside the operations UI:
///
/// - `GET /dashboards`, `GET /logs`: the pages.
/// - `GET /api/dashboards`: the declared dashboards.
/// - `GET /api/dashboards/{name}?from=&to=&tz=[&unlessVersion=V]`: a `DashboardSeries`; 204
///   when the table is still at version `V` (the page polls with it, so a chart is recomputed
///   only when a new table version has landed).
/// - `GET /api/logs/tables`: the declared log tables.
/// - `GET /api/logs?table=&customer=&service=&from=&to=&tz=[&format=csv][&summary=1]`: the rows,
///   streamed as JSON lines (or CSV) one row group at a time, so memory stays bounded whatever
///   the range. With `summary=1` a last line `{"@summary":{...}}` holds the scan's statistics.
///   A failure after the first bytes ends the body with a line `{"@error":"..."}`.
///
/// Table reads block on file I/O, so they run on NIO's thread pool, never on the server's
/// event loops.
extension ServiceServer {
    func addDataRoutes(to router: Router<BasicRequestContext>) {
        let data = self.data
        router.get("/dashboards") { _, _ in Self.response(DataPageAssets.dashboardsHTML, type: "text/html; charset=utf-8") }
        router.get("/logs") { _, _ in Self.response(DataPageAssets.logsHTML, type: "text/html; charset=utf-8") }
        router.get("/dashboards.js") { _, _ in Self.response(DataPageAssets.dashboardsScript, type: "text/javascript; charset=utf-8") }
        router.get("/logs.js") { _, _ in Self.response(DataPageAssets.logsScript, type: "text/javascript; charset=utf-8") }
        router.get("/api/dashboards") { _, _ in try Self.json(data.dashboardSummaries()) }
        router.get("/api/dashboards/:name") { request, context in
            let name = try context.parameters.require("name")
            let q = request.uri.queryParameters
            let from = Self.localTime(q.get("from")), to = Self.localTime(q.get("to")), tz = q.get("tz")
            let unless = q.get("unlessVersion", as: Int64.self)
            return try await Self.answering {
                let series = try await NIOThreadPool.singleton.runIfActive {
                    try data.series(dashboard: name, from: from, to: to, timeZone: tz, unlessVersion: unless)
                }
                guard let series else { return Self.response([], type: "application/json", status: .noContent) }
                return try Self.json(series)
            }
        }
        router.get("/api/logs/tables") { _, _ in try Self.json(data.logTableSummaries()) }
        router.get("/api/logs") { request, _ in
            let q = request.uri.queryParameters
            let table = q.get("table"), customer = q.get("customer"), service = q.get("service")
            let from = Self.localTime(q.get("from")), to = Self.localTime(q.get("to")), tz = q.get("tz")
            let csv = q.get("format") == "csv"
            guard csv || q.get("format") == nil || q.get("format") == "jsonl" else {
                return Self.error("format must be jsonl or csv", status: .badRequest)
            }
            let summary = q.get("summary") == "1" || q.get("summary") == "true"
            return try await Self.answering {
                let dump = try await NIOThreadPool.singleton.runIfActive {
                    try data.logDump(table: table, customer: customer, service: service, from: from, to: to, timeZone: tz)
                }
                return Self.streaming(LogDumpCursor(dump), format: csv ? .csv : .jsonLines, summary: summary)
            }
        }
    }

    /// A local time from a query string: form encoding writes its space as "+" (a local time has
    /// no "+" of its own; a zone offset such as `tz=+05:30` must be sent as `%2B05:30`).
    static func localTime(_ text: String?) -> String? { text?.replacingOccurrences(of: "+", with: " ") }

    /// Runs `body`, turning request errors into their status and other errors into 500.
    static func answering(_ body: () async throws -> Response) async throws -> Response {
        do { return try await body() } catch let e as DataBoard.RequestError {
            return error(e.description, status: HTTPResponse.Status(code: e.status))
        } catch {
            return Self.error("\(error)", status: .internalServerError)
        }
    }

    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        response(#"{"error":\#(quoted(message))}"#, type: "application/json", status: status)
    }

    /// The dump's rows as a chunked body: each batch is encoded and written (waiting until the
    /// connection takes it) before the next row group is read.
    static func streaming(_ cursor: LogDumpCursor, format: RowTextEncoder.Format, summary: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson"
        headers[.cacheControl] = "no-store"
        let started = DispatchTime.now()
        let body = ResponseBody { writer in
            let encoder = RowTextEncoder(format: format, schema: cursor.schema)
            var pending = encoder.header()
            do {
                while let batch = try await NIOThreadPool.singleton.runIfActive({ try cursor.next() }) {
                    encoder.encode(batch, into: &pending)
                    if pending.count >= 64 << 10 {
                        try await writer.write(ByteBuffer(bytes: pending))
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                if summary && format == .jsonLines {
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                    pending += Array(#"{"@summary":\#(try Self.summaryJSON(cursor.statistics, seconds: seconds))}"#.utf8) + [10]
                }
            } catch {
                pending += Array(#"{"@error":\#(quoted("\(error)"))}"#.utf8) + [10]
            }
            if !pending.isEmpty { try await writer.write(ByteBuffer(bytes: pending)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func summaryJSON(_ s: DeltaRangeScanStatistics, seconds: Double) throws -> String {
        struct Summary: Encodable {
            var statistics: DeltaRangeScanStatistics
            var seconds: Double
        }
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(Summary(statistics: s, seconds: seconds)), as: UTF8.self)
    }
}

/// A log dump read by one response, one batch at a time, on whichever pool thread is free.
/// Calls never overlap: the response awaits each `next()` before the next.
final class LogDumpCursor: @unchecked Sendable {
    private var dump: DeltaLogDump
    let schema: Schema

    init(_ dump: DeltaLogDump) {
        self.dump = dump
        self.schema = dump.schema
    }

    func next() throws -> RecordBatch? { try dump.next() }
    var statistics: DeltaRangeScanStatistics { dump.statistics }
}
