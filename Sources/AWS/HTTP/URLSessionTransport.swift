import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPTransport` over URLSession (FoundationNetworking on Linux: no package to build). One
/// session per client keeps connections alive between requests; completions run on the
/// session's own operation queue.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        let queue = OperationQueue()
        queue.name = "sluice.aws.urlsession"
        session = URLSession(configuration: configuration, delegate: nil, delegateQueue: queue)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        guard let url = URL(string: request.url) else {
            completion(.failure(URLError(.badURL)))
            return
        }
        var r = URLRequest(url: url)
        r.httpMethod = request.method
        r.timeoutInterval = Double(request.timeout.components.seconds) + Double(request.timeout.components.attoseconds) / 1e18
        for (name, value) in request.headers where name.lowercased() != "host" {
            r.setValue(value, forHTTPHeaderField: name)
        }
        if !request.body.isEmpty { r.httpBody = Data(request.body) }
        session.dataTask(with: r) { data, response, error in
            if let error {
                completion(.failure(error))
                return
            }
            guard let http = response as? HTTPURLResponse else {
                completion(.failure(URLError(.badServerResponse)))
                return
            }
            var headers: [String: String] = [:]
            for (k, v) in http.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
            completion(.success(HTTPResponse(status: http.statusCode, headers: headers, body: data.map { [UInt8]($0) } ?? [])))
        }.resume()
    }
}
