import SQLSinkCore
import SluicePostgres
import Testing

@Suite struct PostgresConnectionStringTests {
    @Test func readsEveryPartOfTheURL() throws {
        let cs = try PostgresConnectionString.parse(
            "postgres://ana:p%40ss@db.example:6543/metrics?sslmode=require&table=ysb", environment: [:])
        #expect(cs.user == "ana")
        #expect(cs.password == "p@ss")
        #expect(cs.host == "db.example")
        #expect(cs.port == 6543)
        #expect(cs.database == "metrics")
        #expect(cs.sslMode == .require)
        #expect(cs.table == "ysb")
    }

    @Test func takesWhatTheURLLeavesOutFromLibpqVariables() throws {
        let env = ["PGHOST": "10.0.0.5", "PGPORT": "5433", "PGUSER": "svc", "PGPASSWORD": "from-env", "PGDATABASE": "dash", "PGSSLMODE": "disable"]
        let cs = try PostgresConnectionString.parse("postgres://", environment: env)
        #expect(cs.host == "10.0.0.5" && cs.port == 5433 && cs.user == "svc" && cs.password == "from-env")
        #expect(cs.database == "dash" && cs.sslMode == .disable)
        // The URL wins over the environment.
        let mixed = try PostgresConnectionString.parse("postgresql://bob@h/db", environment: env)
        #expect(mixed.user == "bob" && mixed.host == "h" && mixed.port == 5433 && mixed.database == "db" && mixed.password == "from-env")
    }

    @Test func defaultsAreLibpqs() throws {
        let cs = try PostgresConnectionString.parse("postgres://", environment: ["USER": "me"])
        #expect(cs.host == "localhost" && cs.port == 5432 && cs.user == "me" && cs.database == "me" && cs.sslMode == .prefer)
    }

    @Test func aHostDirectoryMeansTheUnixSocketInIt() throws {
        let cs = try PostgresConnectionString.parse("postgres://u@/db?host=/var/run/postgresql", environment: [:])
        #expect(cs.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test func thePasswordIsNeverShown() throws {
        let cs = try PostgresConnectionString.parse("postgres://ana:hunter2@h:1/db", environment: [:])
        #expect(!cs.description.contains("hunter2"))
        #expect(cs.description == "postgres://ana@h:1/db?sslmode=prefer")
        let sink = PostgresSink(url: "postgres://ana:hunter2@h:1/db", table: "t")
        #expect(!sink.description.contains("hunter2"))
        let envPassword = try PostgresConnectionString.parse("postgres://ana@h/db", environment: ["PGPASSWORD": "hunter2"])
        #expect(!envPassword.description.contains("hunter2"))
    }

    @Test func badStringsAreClearErrorsWithoutThePassword() {
        #expect(throws: SQLSinkError.self) { try PostgresConnectionString.parse("mysql://a@b/c", environment: [:]) }
        do {
            _ = try PostgresConnectionString.parse("http://ana:hunter2@h/db", environment: [:])
            Issue.record("accepted http://")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
            #expect("\(error)".contains("postgres://USER"))
        }
        #expect(throws: SQLSinkError.invalidURL("sslmode 'sometimes' is not one of disable, allow, prefer, require, verify-ca, verify-full")) {
            try PostgresConnectionString.parse("postgres://a@b/c?sslmode=sometimes", environment: [:])
        }
        #expect(throws: SQLSinkError.self) { try PostgresConnectionString.parse("postgres://a@b/c?sslmod=require", environment: [:]) }
    }
}
