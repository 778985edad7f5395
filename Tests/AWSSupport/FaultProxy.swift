import Foundation
import Testing

import AWS
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP proxy in front of moto that fails the next N requests in a chosen way and
/// forwards the rest: for the retry tests. `POST /__faults__?modes=503,throughput` arms it
/// (one mode per request to fail, in order); `GET /__faults__` answers
/// `{"faulted": n, "forwarded": m}`.
public enum FaultProxy {
    static let script = """
        import http.client, json, socket, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit, parse_qs
        port, upstream = int(sys.argv[1]), int(sys.argv[2])
        lock = threading.Lock()
        state = {"modes": [], "faulted": 0, "forwarded": 0}
        S3_XML = '<?xml version="1.0"?><Error><Code>{}</Code><Message>{}</Message></Error>'
        JSON = '{{"__type":"{}","message":"{}"}}'
        FAULTS = {
            "500": (500, "application/xml", S3_XML.format("InternalError", "injected")),
            "502": (502, "text/html", "<html>bad gateway</html>"),
            "503": (503, "application/xml", S3_XML.format("SlowDown", "Please reduce your request rate.")),
            "504": (504, "text/html", "<html>gateway timeout</html>"),
            "throughput": (400, "application/x-amz-json-1.1", JSON.format("ProvisionedThroughputExceededException", "Rate exceeded for shard")),
            "throttling": (400, "application/x-amz-json-1.1", JSON.format("ThrottlingException", "Rate exceeded")),
        }
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a): pass
            def reply(self, status, ctype, body, headers=()):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                for k, v in headers: self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD": self.wfile.write(data)
            def forward(self, body):
                conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "expect")}
                conn.request(self.command, self.path, body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                conn.close()
                with lock: state["forwarded"] += 1
                keep = [(k, v) for k, v in r.getheaders() if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-type", "date", "server")]
                return r.status, r.getheader("Content-Type", "application/octet-stream"), data, keep
            def handle_any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                url = urlsplit(self.path)
                if url.path == "/__faults__":
                    with lock:
                        if self.command == "POST":
                            state.update(modes=[m for m in parse_qs(url.query).get("modes", [""])[0].split(",") if m], faulted=0, forwarded=0)
                        out = json.dumps({"faulted": state["faulted"], "forwarded": state["forwarded"]})
                    return self.reply(200, "application/json", out)
                with lock:
                    mode = state["modes"].pop(0) if state["modes"] else None
                    if mode and mode != "pass": state["faulted"] += 1
                if mode is None or mode == "pass":
                    return self.reply(*self.forward(body))
                if mode == "hang":
                    time.sleep(4)
                    self.close_connection = True
                    return
                if mode == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00")
                    self.close_connection = True
                    return
                if mode == "echo":
                    lines = [self.requestline] + [f"{k.lower()}: {v}" for k, v in self.headers.items()]
                    return self.reply(200, "text/plain", "\\n".join(lines))
                if mode == "forward-then-503":
                    self.forward(body)
                    mode = "503"
                self.reply(*FAULTS[mode])
            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any
        ThreadingHTTPServer.daemon_threads = True
        ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """

    @TaskLocal public static var server: LocalServer?

    public static var current: LocalServer {
        get throws { try #require(server, "the suite needs the .motoServerWithFaultProxy trait") }
    }

    /// Arms the proxy: the next requests fail with these modes, one each (`500`, `502`, `503`,
    /// `504`, `throughput`, `throttling`, `hang`, `reset`, `forward-then-503`), are answered
    /// with their own request line and headers (`echo`), or go through (`pass`).
    public static func arm(_ modes: [String]) throws {
        _ = try control("POST", "modes=" + modes.joined(separator: ","))
    }

    /// Requests failed and forwarded since the proxy was last armed.
    public static func counts() throws -> (faulted: Int, forwarded: Int) {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(control("GET", ""))) as? [String: Int])
        return (json["faulted"] ?? -1, json["forwarded"] ?? -1)
    }

    private static func control(_ method: String, _ query: String) throws -> [UInt8] {
        let response = try ControlCall.send(method, "http://127.0.0.1:\(try current.port)/__faults__?\(query)")
        try #require(response.status == 200, "fault proxy answered \(response.status)")
        return response.body
    }
}

public struct MotoWithFaultProxyTrait: SuiteTrait, TestScoping {
    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let moto = try Moto.start()
        defer { moto.stop() }
        let proxy = try LocalServer(name: "fault-proxy", command: ["python3", "-c", FaultProxy.script, "$PORT", String(moto.port)])
        defer { proxy.stop() }
        try await Moto.$server.withValue(moto) {
            try await FaultProxy.$server.withValue(proxy) { try await function() }
        }
    }
}

extension Trait where Self == MotoWithFaultProxyTrait {
    /// One moto server and one fault proxy in front of it for the whole suite.
    public static var motoServerWithFaultProxy: Self { Self() }
}

/// One request to the proxy's control endpoint, waited for on the calling thread.
private enum ControlCall {
    final class Slot: @unchecked Sendable {
        var result: (status: Int, body: [UInt8])?
        var error: (any Error)?
    }

    static func send(_ method: String, _ url: String) throws -> (status: Int, body: [UInt8]) {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 10)
        request.httpMethod = method
        let slot = Slot()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { slot.error = error } else {
                slot.result = ((response as? HTTPURLResponse)?.statusCode ?? 0, [UInt8](data ?? Data()))
            }
            done.signal()
        }.resume()
        done.wait()
        if let error = slot.error { throw error }
        return slot.result!
    }
}
