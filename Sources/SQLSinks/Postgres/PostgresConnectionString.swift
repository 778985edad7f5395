import Foundation
import SQLSinkCore

/// A `postgres://user:password@host:port/database?sslmode=...` connection string, with libpq's
/// environment variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
/// `PGSSLMODE`, `PGSSLROOTCERT`) filling what the string leaves out.
///
/// The password is never part of `description`, so progress reports and errors can show it.
public struct PostgresConnectionString: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode` values (PostgreSQL documentation, "SSL Support").
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain connection only.
        case disable
        /// TLS if the server offers it, else plain; the certificate is not checked.
        case allow, prefer
        /// TLS or fail; the certificate is not checked (as libpq does without a root certificate).
        case require
        /// TLS with a certificate signed by a trusted root (`sslrootcert`, else the system's).
        case verifyCA = "verify-ca"
        /// As `verify-ca`, and the certificate must name the host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    /// Set when `host` is a directory: the server's Unix socket in it, as libpq does.
    public var unixSocketPath: String? {
        host.hasPrefix("/") ? host + (host.hasSuffix("/") ? "" : "/") + ".s.PGSQL.\(port)" : nil
    }
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    public var sslRootCert: String?
    /// The `table` parameter, for commands that take the table in the string (`sluice-ysb`).
    public var table: String?

    private static let knownParameters: Set<String> = ["sslmode", "sslrootcert", "table", "host", "port", "user", "password", "dbname"]

    /// Parses `text`; anything missing comes from `environment`, then libpq's defaults
    /// (`localhost`, 5432, the login user, a database named after the user, `prefer`).
    public static func parse(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresConnectionString {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw SQLSinkError.invalidURL("expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=...], got '\(redacting(text))'")
        }
        var params: [String: String] = [:]
        for item in c.queryItems ?? [] {
            guard knownParameters.contains(item.name) else {
                throw SQLSinkError.invalidURL("unknown parameter '\(item.name)' (known: \(knownParameters.sorted().joined(separator: ", ")))")
            }
            params[item.name] = item.value ?? ""
        }
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        let user = nonEmpty(c.percentEncodedUser?.removingPercentEncoding) ?? nonEmpty(params["user"]) ?? nonEmpty(environment["PGUSER"])
            ?? nonEmpty(environment["USER"]) ?? "postgres"
        let password = c.percentEncodedPassword.flatMap { nonEmpty($0.removingPercentEncoding) } ?? nonEmpty(params["password"]) ?? nonEmpty(environment["PGPASSWORD"])
        let host = nonEmpty(c.percentEncodedHost?.removingPercentEncoding) ?? nonEmpty(params["host"]) ?? nonEmpty(environment["PGHOST"]) ?? "localhost"
        let portText = c.port.map(String.init) ?? nonEmpty(params["port"]) ?? nonEmpty(environment["PGPORT"]) ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw SQLSinkError.invalidURL("port '\(portText)' is not a TCP port")
        }
        let path = c.percentEncodedPath.hasPrefix("/") ? String(c.percentEncodedPath.dropFirst()) : c.percentEncodedPath
        let database = nonEmpty(path.removingPercentEncoding) ?? nonEmpty(params["dbname"]) ?? nonEmpty(environment["PGDATABASE"]) ?? user
        let modeText = nonEmpty(params["sslmode"]) ?? nonEmpty(environment["PGSSLMODE"]) ?? "prefer"
        guard let mode = SSLMode(rawValue: modeText) else {
            throw SQLSinkError.invalidURL("sslmode '\(modeText)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return PostgresConnectionString(
            host: host, port: port, user: user, password: password, database: database, sslMode: mode,
            sslRootCert: nonEmpty(params["sslrootcert"]) ?? nonEmpty(environment["PGSSLROOTCERT"]), table: nonEmpty(params["table"]))
    }

    /// `postgres://user@host:port/database?sslmode=...`, without the password.
    public var description: String {
        let h = host.hasPrefix("/") ? "[\(host)]" : host
        return "postgres://\(user)@\(h):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// `text` with whatever sits between `://user:` and `@` replaced, for error messages about
    /// strings that did not parse.
    static func redacting(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let userInfo = text[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
