import SQLTestSupport
import SluicePostgres
import Streaming
import Testing

/// `sslmode` against a server with TLS on, where role `tls_only` is refused without TLS.
@Suite(.enabled(if: postgresRunnable, postgresSkipReason), .postgresServerWithTLS)
struct PostgresTLSTests {
    @Test func sslmodeRequireConnectsOverTLS() throws {
        let server = try currentServer()
        let table = uniqueTable("tls")
        let sink = PostgresSink(url: server.url(user: "tls_only", parameters: "sslmode=require"), table: table)
        try sink.open(context("q-tls", .append))
        try sink.addBatch(0, try everyTypeBatch([1, 2]))
        #expect(try server.psql(#"SELECT count(*) FROM "\#(table)""#) == ["2"])
        // The sink's connection is still open: the server says it is encrypted.
        #expect(try server.psql("SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'tls_only'") == ["t"])
    }

    @Test func sslmodeDisableIsRefusedWhereTheServerDemandsTLS() throws {
        let server = try currentServer()
        #expect(throws: (any Error).self) {
            try PostgresSink(url: server.url(user: "tls_only", parameters: "sslmode=disable"), table: "t").open(context("q", .append))
        }
    }

    @Test func sslmodeVerifyCAChecksTheCertificateAgainstTheGivenRoot() throws {
        let server = try currentServer()
        let root = server.directory + "/data/server.crt"
        try PostgresSink(url: server.url(user: "tls_only", parameters: "sslmode=verify-ca&sslrootcert=\(root)"), table: uniqueTable("ca"))
            .open(context("q", .append))
        // Against the system's roots the self-signed certificate is not trusted.
        #expect(throws: (any Error).self) {
            try PostgresSink(url: server.url(user: "tls_only", parameters: "sslmode=verify-ca"), table: "t").open(context("q", .append))
        }
    }
}
