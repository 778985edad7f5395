/// One AWS operation as data: the request to sign and send, and how to read the answer.
/// Clients build calls; `ServiceCore` runs them, synchronously or async, with retries.
struct AWSCall<Output: Sendable>: Sendable {
    var operation: String
    var resource: String
    var method: String
    var endpoint: AWSEndpoint
    var path: String
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// The SHA-256 of `body` in hex, or `UNSIGNED-PAYLOAD`.
    var payloadHash: String
    /// Statuses `decode` handles itself besides 2xx (a HEAD's 404, say).
    var alsoAccepted: Set<Int> = []
    /// A kind for a status/code pair the generic mapping does not know (412 of put-if-absent).
    var errorKindOverride: (@Sendable (Int, String?) -> AWSError.Kind?)?
    var decode: @Sendable (HTTPResponse) throws -> Output
}
