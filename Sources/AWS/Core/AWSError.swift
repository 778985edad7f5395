/// A failed AWS call, naming the operation, the resource and what AWS answered.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; callers switch on it, the rest is for people.
    public enum Kind: Sendable, Equatable {
        /// A conditional write found the object there (`If-None-Match: *` answered 412).
        case alreadyExists
        /// No such bucket, key, upload, stream or shard.
        case notFound
        /// A Kinesis shard iterator older than five minutes (`ExpiredIteratorException`).
        case expiredIterator
        /// Throttled (`ProvisionedThroughputExceededException`, `ThrottlingException`,
        /// `SlowDown`, …) on every attempt.
        case throttled
        /// Rejected credentials or signature, or no permission.
        case accessDenied
        /// The service answered with another error (5xx after the last attempt included).
        case service
        /// No answer: connection refused or lost, or the attempt timed out.
        case transport
        /// An answer the client could not read.
        case invalidResponse
        /// Arguments AWS would refuse (a negative byte range, part number 0, …); nothing was sent.
        case invalidRequest
    }

    public let kind: Kind
    /// `S3.PutObject`, `Kinesis.GetRecords`, …
    public let operation: String
    /// `s3://bucket/key`, `stream orders shard shardId-000000000001`, …
    public let resource: String
    public let statusCode: Int?
    /// AWS's error code (`NoSuchKey`, `ExpiredIteratorException`), when it sent one.
    public let code: String?
    public let message: String
    public let requestId: String?
    /// Attempts made, retries included.
    public let attempts: Int
    /// An earlier attempt of this call got no answer (timeout, lost connection, 5xx), so it may
    /// have taken effect: a put-if-absent that then finds the object (`alreadyExists`) may have
    /// found its own write. Callers that fence on put-if-absent check the object's content.
    public let earlierAttemptUnresolved: Bool

    public init(
        kind: Kind, operation: String, resource: String, statusCode: Int? = nil, code: String? = nil,
        message: String, requestId: String? = nil, attempts: Int = 1, earlierAttemptUnresolved: Bool = false
    ) {
        self.kind = kind
        self.operation = operation
        self.resource = resource
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestId = requestId
        self.attempts = attempts
        self.earlierAttemptUnresolved = earlierAttemptUnresolved
    }

    public var description: String {
        var s = "\(operation) on \(resource) failed"
        if let statusCode { s += ": HTTP \(statusCode)" }
        if let code { s += (statusCode == nil ? ": " : " ") + code }
        if !message.isEmpty { s += ": \(message)" }
        s += attempts == 0 ? " (not sent" : " (\(attempts) attempt\(attempts == 1 ? "" : "s")"
        if let requestId { s += ", request id \(requestId)" }
        s += ")"
        switch kind {
        case .alreadyExists where earlierAttemptUnresolved:
            s += "; an earlier attempt got no answer, so the object may be this call's own write"
        case .accessDenied: s += "; check the credentials, the region and the permissions"
        case .transport: s += "; check the endpoint and the network"
        default: break
        }
        return s
    }

    func with(attempts: Int, earlierAttemptUnresolved: Bool) -> AWSError {
        AWSError(
            kind: kind, operation: operation, resource: resource, statusCode: statusCode, code: code, message: message,
            requestId: requestId, attempts: attempts, earlierAttemptUnresolved: earlierAttemptUnresolved)
    }
}

/// Error codes and statuses worth another attempt.
enum RetryableErrors {
    static let codes: Set<String> = [
        "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "ThrottledException",
        "SlowDown", "RequestLimitExceeded", "TooManyRequestsException", "LimitExceededException",
        "RequestThrottled", "RequestThrottledException", "RequestTimeout", "RequestTimeoutException",
        "InternalError", "InternalFailure", "ServiceUnavailable",
        // S3 answers 409 to a conditional write racing another one on the same key; AWS says to retry.
        "ConditionalRequestConflict",
    ]
    static let throttlingCodes: Set<String> = [
        "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "ThrottledException",
        "SlowDown", "RequestLimitExceeded", "TooManyRequestsException", "LimitExceededException",
        "RequestThrottled", "RequestThrottledException",
    ]
    static let statuses: Set<Int> = [500, 502, 503, 504]

    static func isRetryable(status: Int, code: String?) -> Bool {
        statuses.contains(status) || status == 429 || code.map(codes.contains) == true
    }
}
