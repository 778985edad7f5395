import PostgresNIO
import SQLSinkCore

/// Statement helpers on a connection; errors say which step failed and the server's message.
struct PostgresStatements: Sendable {
    let connection: PostgresConnection
    var logger: Logger { PostgresConnector.logger }

    func execute(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), step: String) async throws {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        } catch {
            throw PostgresErrorText.sinkError(error, step: step)
        }
    }

    /// The first column of every row, decoded as `T`.
    func column<T: PostgresDecodable & Sendable>(
        _ sql: String, _ binds: PostgresBindings = PostgresBindings(), as: T.Type, step: String
    ) async throws -> [T] {
        do {
            var out: [T] = []
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(T.self) {
                out.append(value)
            }
            return out
        } catch {
            throw PostgresErrorText.sinkError(error, step: step)
        }
    }

    /// Pairs of the first two columns of every row.
    func pairs(_ sql: String, _ binds: PostgresBindings, step: String) async throws -> [(String, String)] {
        do {
            var out: [(String, String)] = []
            for try await (a, b) in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode((String, String).self) {
                out.append((a, b))
            }
            return out
        } catch {
            throw PostgresErrorText.sinkError(error, step: step)
        }
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var b = PostgresBindings()
        for v in values { b.append(v) }
        return b
    }
}
