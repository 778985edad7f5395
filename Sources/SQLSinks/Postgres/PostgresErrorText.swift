import PostgresNIO
import SQLSinkCore

/// A readable message for an error from postgres-nio.
///
/// `PSQLError.description` is deliberately generic (so it cannot leak data); the sink reports
/// the server's message, SQLSTATE, detail and hint instead, or the client-side error code and
/// its cause. None of these carries the connection's password.
enum PostgresErrorText {
    static func describe(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return String(describing: error) }
        if let info = e.serverInfo {
            var s = info[.message] ?? "server error"
            if let state = info[.sqlState] { s += " (SQLSTATE \(state))" }
            if let detail = info[.detail] { s += "; \(detail)" }
            if let hint = info[.hint] { s += "; hint: \(hint)" }
            return s
        }
        var s = "\(e.code)"
        if let cause = e.underlying { s += ": \(cause)" }
        return s
    }

    /// `error` as the sink reports it: `connectionLost` when the connection broke (client-side
    /// connection errors; SQLSTATE classes 08, connection exception, and 57P, the server
    /// terminating the backend), else `database`.
    static func sinkError(_ error: any Error, step: String) -> SQLSinkError {
        if let e = error as? SQLSinkError { return e }
        let message = describe(error)
        guard let e = error as? PSQLError else { return .database(step: step, message: message) }
        let lostCodes: [PSQLError.Code] = [.clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown]
        let state = e.serverInfo?[.sqlState] ?? ""
        if lostCodes.contains(e.code) || state.hasPrefix("08") || state.hasPrefix("57P") {
            return .connectionLost(step: step, message: message)
        }
        return .database(step: step, message: message)
    }
}
