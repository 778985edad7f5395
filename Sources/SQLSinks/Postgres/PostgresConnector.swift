import PostgresNIO
import SQLSinkCore

/// Opens connections described by a `PostgresConnectionString`.
enum PostgresConnector {
    /// postgres-nio logs at debug level and below; nothing of it is wanted in a query's output.
    static let logger: Logger = {
        var l = Logger(label: "sluice.postgres")
        l.logLevel = .critical
        return l
    }()

    static func configuration(_ cs: PostgresConnectionString) throws -> PostgresConnection.Configuration {
        if let socket = cs.unixSocketPath {
            return PostgresConnection.Configuration(unixSocketPath: socket, username: cs.user, password: cs.password, database: cs.database)
        }
        return PostgresConnection.Configuration(
            host: cs.host, port: cs.port, username: cs.user, password: cs.password, database: cs.database, tls: try tls(cs))
    }

    /// The TLS mode of `sslmode`, as libpq applies it.
    static func tls(_ cs: PostgresConnectionString) throws -> PostgresConnection.Configuration.TLS {
        var config = TLSConfiguration.makeClientConfiguration()
        switch cs.sslMode {
        case .disable: return .disable
        case .allow, .prefer, .require: config.certificateVerification = .none
        case .verifyCA: config.certificateVerification = .noHostnameVerification
        case .verifyFull: config.certificateVerification = .fullVerification
        }
        if let root = cs.sslRootCert { config.trustRoots = .file(root) }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: config) } catch {
            throw SQLSinkError.invalidURL("TLS settings of \(cs): \(error)")
        }
        return cs.sslMode == .allow || cs.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// A new connection on `eventLoop`; errors name the server (never the password).
    static func connect(_ cs: PostgresConnectionString, on eventLoop: any EventLoop) async throws -> PostgresConnection {
        let config = try configuration(cs)
        do {
            return try await PostgresConnection.connect(on: eventLoop, configuration: config, id: 1, logger: logger)
        } catch {
            throw PostgresErrorText.sinkError(error, step: "connecting to \(cs)")
        }
    }
}
