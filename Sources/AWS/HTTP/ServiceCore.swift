import Foundation

/// Signs, sends and retries `AWSCall`s for one service; shared by the S3 and Kinesis clients.
final class ServiceCore: Sendable {
    let configuration: AWSConfiguration
    let signer: SigV4Signer
    let transport: any HTTPTransport
    /// Reads AWS's error code and message out of an error response (XML for S3, JSON for Kinesis).
    let parseError: @Sendable (HTTPResponse) -> (code: String?, message: String?)

    init(
        configuration: AWSConfiguration, signingName: String, transport: any HTTPTransport,
        parseError: @escaping @Sendable (HTTPResponse) -> (code: String?, message: String?)
    ) {
        self.configuration = configuration
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: signingName)
        self.transport = transport
        self.parseError = parseError
    }

    /// Runs `call` on the calling thread, blocking it (see `HTTPTransport.sendBlocking`).
    func run<T>(_ call: AWSCall<T>) throws -> T {
        var rng = SystemRandomNumberGenerator()
        var unresolved = false
        var attempt = 1
        while true {
            switch outcome(of: transport.sendBlocking(prepare(call)), for: call) {
            case .success(let value):
                return value
            case .retry(_, let unknownOutcome) where attempt < configuration.retry.maxAttempts:
                unresolved = unresolved || unknownOutcome
                let delay = configuration.retry.delay(afterAttempt: attempt, using: &rng)
                Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                attempt += 1
            case .retry(let error, _), .failure(let error):
                throw error.with(attempts: attempt, earlierAttemptUnresolved: unresolved)
            }
        }
    }

    /// Runs `call` without blocking a thread; waits between attempts with `Task.sleep`.
    func run<T>(_ call: AWSCall<T>) async throws -> T {
        var rng = SystemRandomNumberGenerator()
        var unresolved = false
        var attempt = 1
        while true {
            switch outcome(of: await transport.send(prepare(call)), for: call) {
            case .success(let value):
                return value
            case .retry(_, let unknownOutcome) where attempt < configuration.retry.maxAttempts:
                unresolved = unresolved || unknownOutcome
                try await Task.sleep(for: configuration.retry.delay(afterAttempt: attempt, using: &rng))
                attempt += 1
            case .retry(let error, _), .failure(let error):
                throw error.with(attempts: attempt, earlierAttemptUnresolved: unresolved)
            }
        }
    }

    /// Signs a fresh copy for each attempt: the signature covers `x-amz-date`, and AWS rejects
    /// signatures more than 15 minutes old.
    private func prepare<T>(_ call: AWSCall<T>) -> HTTPRequest {
        var headers = call.headers
        if !headers.contains(where: { $0.0.lowercased() == "host" }) {
            headers.append(("host", call.endpoint.hostHeader))
        }
        var signable = SignableRequest(method: call.method, path: call.path, query: call.query, headers: headers)
        signer.sign(&signable, date: Date(), payloadHash: call.payloadHash)
        return HTTPRequest(
            endpoint: call.endpoint, method: call.method, path: call.path,
            encodedQuery: URIEncoding.canonicalQuery(call.query), headers: signable.headers, body: call.body,
            timeout: configuration.requestTimeout)
    }

    enum Outcome<T> {
        case success(T)
        /// Worth another attempt; `unknownOutcome` when the request may have taken effect.
        case retry(AWSError, unknownOutcome: Bool)
        case failure(AWSError)
    }

    private func outcome<T>(of result: Result<HTTPResponse, any Error>, for call: AWSCall<T>) -> Outcome<T> {
        let response: HTTPResponse
        switch result {
        case .failure(let error):
            let e = AWSError(kind: .transport, operation: call.operation, resource: call.resource, message: Self.describe(error))
            return Self.isRetryableTransport(error) ? .retry(e, unknownOutcome: true) : .failure(e)
        case .success(let r):
            response = r
        }
        if (200..<300).contains(response.status) || call.alsoAccepted.contains(response.status) {
            do {
                return .success(try call.decode(response))
            } catch let error as AWSError {
                // S3 can answer 200 and put the error in the body (CompleteMultipartUpload).
                if let code = error.code, RetryableErrors.codes.contains(code) { return .retry(error, unknownOutcome: true) }
                return .failure(error)
            } catch {
                return .failure(AWSError(
                    kind: .invalidResponse, operation: call.operation, resource: call.resource,
                    statusCode: response.status, message: "\(error)", requestId: Self.requestId(response)))
            }
        }
        let (code, message) = parseError(response)
        let kind = call.errorKindOverride?(response.status, code) ?? Self.kind(status: response.status, code: code)
        let error = AWSError(
            kind: kind, operation: call.operation, resource: call.resource, statusCode: response.status, code: code,
            message: message ?? "", requestId: Self.requestId(response))
        if RetryableErrors.isRetryable(status: response.status, code: code) {
            return .retry(error, unknownOutcome: response.status >= 500)
        }
        return .failure(error)
    }

    static func kind(status: Int, code: String?) -> AWSError.Kind {
        if let code {
            if RetryableErrors.throttlingCodes.contains(code) { return .throttled }
            switch code {
            case "ExpiredIteratorException": return .expiredIterator
            case "ResourceNotFoundException", "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound": return .notFound
            case "AccessDenied", "AccessDeniedException", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException", "InvalidSignatureException",
                "MissingAuthenticationToken", "IncompleteSignature", "InvalidClientTokenId":
                return .accessDenied
            default: break
            }
        }
        switch status {
        case 404: return .notFound
        case 403: return .accessDenied
        case 429: return .throttled
        default: return .service
        }
    }

    static func requestId(_ response: HTTPResponse) -> String? {
        response.headers["x-amz-request-id"] ?? response.headers["x-amzn-requestid"]
    }

    /// Timeouts and connection failures may pass; a malformed URL or a cancelled task will not.
    static func isRetryableTransport(_ error: any Error) -> Bool {
        guard let e = error as? URLError else { return true }
        switch e.code {
        case .badURL, .unsupportedURL, .cancelled, .userAuthenticationRequired, .userCancelledAuthentication:
            return false
        default:
            return true
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? URLError {
            switch e.code {
            case .timedOut: return "the request timed out"
            case .cannotConnectToHost: return "could not connect to the host"
            case .networkConnectionLost: return "the connection was lost"
            case .cannotFindHost, .dnsLookupFailed: return "the host name did not resolve"
            default: return "URL error \(e.code.rawValue): \(e.localizedDescription)"
            }
        }
        return "\(error)"
    }
}
