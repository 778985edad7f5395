/// Scheme, host and port of a service endpoint (`https://s3.eu-west-1.amazonaws.com`,
/// `http://127.0.0.1:5000`).
public struct AWSEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?

    public init(scheme: String = "https", host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses `scheme://host[:port][/]`; a path is refused (an endpoint names a server only).
    public init(parsing text: String) throws {
        let bad = AWSConfigurationError("endpoint '\(text)' is not of the form http(s)://host[:port]")
        guard let sep = text.range(of: "://") else { throw bad }
        let scheme = text[..<sep.lowerBound].lowercased()
        var rest = Substring(text[sep.upperBound...])
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard scheme == "http" || scheme == "https", !rest.isEmpty, !rest.contains("/") else { throw bad }
        var host = String(rest)
        var port: Int?
        // The last colon separates the port, except inside an IPv6 literal's brackets.
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("]") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { throw bad }
            port = p
            host = String(rest[..<colon])
        }
        guard !host.isEmpty else { throw bad }
        self.init(scheme: scheme, host: host, port: port)
    }

    /// The `host` header: the port is included unless it is the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return "\(host):\(port)"
    }

    public var description: String { "\(scheme)://\(hostHeader)" }
}
