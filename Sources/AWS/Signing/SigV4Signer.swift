import Foundation

/// A request as SigV4 sees it. `path` is exactly what goes on the wire (already
/// percent-encoded); `query` holds raw names and values, which the signer encodes.
public struct SignableRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    /// Header names in any case; the signer adds `x-amz-date`, `x-amz-security-token` and
    /// `authorization`.
    public var headers: [(String, String)]

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Every intermediate of one signature, so tests can compare each step with AWS's test suite.
public struct SigV4Signature: Sendable, Equatable {
    public let canonicalRequest: String
    public let stringToSign: String
    public let signature: String
    public let signedHeaders: String
    public let authorization: String
}

/// AWS Signature Version 4 in the `Authorization` header ("Create a signed AWS API request",
/// AWS IAM user guide): canonical request → string to sign → HMAC chain over date, region and
/// service.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String
    /// All services but S3 encode the (already encoded) path once more for the canonical
    /// request; S3 uses the path as sent.
    public let encodePathTwice: Bool

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.encodePathTwice = service != "s3"
    }

    /// Adds `x-amz-date` (and `x-amz-security-token` when the credentials have a session token,
    /// signed like the other headers) and `authorization` to `request`. `payloadHash` is the hex
    /// SHA-256 of the body (or `UNSIGNED-PAYLOAD`).
    @discardableResult
    public func sign(_ request: inout SignableRequest, date: Date, payloadHash: String) -> SigV4Signature {
        let stamp = AmzDate(date)
        request.headers.removeAll { ["x-amz-date", "authorization", "x-amz-security-token"].contains($0.0.lowercased()) }
        request.headers.append(("x-amz-date", stamp.full))
        if let token = credentials.sessionToken {
            request.headers.append(("x-amz-security-token", token))
        }
        let s = signature(for: request, stamp: stamp, payloadHash: payloadHash)
        request.headers.append(("authorization", s.authorization))
        return s
    }

    /// The signature of `request` as it is (its `x-amz-date` header must match `date`).
    public func signature(for request: SignableRequest, date: Date, payloadHash: String) -> SigV4Signature {
        signature(for: request, stamp: AmzDate(date), payloadHash: payloadHash)
    }

    private func signature(for request: SignableRequest, stamp: AmzDate, payloadHash: String) -> SigV4Signature {
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(request.headers)
        let path = request.path.isEmpty ? "/" : request.path
        let canonicalRequest = [
            request.method.uppercased(),
            encodePathTwice ? URIEncoding.encode(path, keepSlash: true) : path,
            URIEncoding.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(stamp.day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", stamp.full, scope, Hashing.sha256Hex(canonicalRequest.utf8)]
            .joined(separator: "\n")
        var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
        for part in [stamp.day, region, service, "aws4_request"] {
            key = Hashing.hmacSHA256(key: key, part)
        }
        let signature = Hashing.hex(Hashing.hmacSHA256(key: key, stringToSign))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return SigV4Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            signedHeaders: signedHeaders, authorization: authorization)
    }

    /// Lower-case names, sorted; values trimmed with inner runs of spaces collapsed to one;
    /// repeated names joined with commas in the order given.
    static func canonicalHeaders(_ headers: [(String, String)]) -> (canonical: String, signed: String) {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            byName[name.lowercased(), default: []].append(collapseSpaces(value))
        }
        let names = byName.keys.sorted()
        let canonical = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    private static func collapseSpaces(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in value.trimmingCharacters(in: .whitespaces) {
            if ch == " " {
                pendingSpace = true
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            }
        }
        return out
    }
}

/// `20150830T123600Z` and `20150830` for a date, in UTC.
struct AmzDate {
    let full: String
    let day: String

    init(_ date: Date) {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        day = pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2)
        full = day + "T" + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }
}
