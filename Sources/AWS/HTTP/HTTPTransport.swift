import Dispatch

/// A signed request ready to send.
public struct HTTPRequest: Sendable {
    public var endpoint: AWSEndpoint
    public var method: String
    /// Percent-encoded, as on the wire.
    public var path: String
    /// Already encoded (`URIEncoding.canonicalQuery`), so the signed and the sent query are the
    /// same bytes.
    public var encodedQuery: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var timeout: Duration

    public var url: String {
        endpoint.description + path + (encodedQuery.isEmpty ? "" : "?" + encodedQuery)
    }
}

/// A response with header names in lower case.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends one request and calls `completion` once, on a thread of the transport's own (never the
/// caller's and never Swift's cooperative pool), which is what lets `sendBlocking` wait on a
/// semaphore without deadlocking.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void)
}

extension HTTPTransport {
    /// Blocks the calling thread until the response arrives. The completion runs on the
    /// transport's own queue, so the wait cannot deadlock from any other thread (a completion
    /// handler of this transport must not call it). Called from async code it would hold one of
    /// the cooperative pool's few threads for the whole request, so async callers use
    /// `send(_:) async`, which suspends instead.
    func sendBlocking(_ request: HTTPRequest) -> Result<HTTPResponse, any Error> {
        let slot = ResultSlot()
        let done = DispatchSemaphore(value: 0)
        send(request) { result in
            slot.result = result
            done.signal()
        }
        done.wait()
        return slot.result!
    }

    func send(_ request: HTTPRequest) async -> Result<HTTPResponse, any Error> {
        await withCheckedContinuation { continuation in
            send(request) { continuation.resume(returning: $0) }
        }
    }
}

/// Written once by the completion before it signals, read once by the waiter after the wait:
/// the semaphore orders the two accesses.
private final class ResultSlot: @unchecked Sendable {
    var result: Result<HTTPResponse, any Error>?
}
