import Foundation
import SQLSinkCore
import SQLTestSupport
import SluicePostgres
import Streaming
import Testing

/// The PostgreSQL sink against a real server: modes, exactly-once, schema, connections.
@Suite(.enabled(if: postgresRunnable, postgresSkipReason), .postgresServer)
struct PostgresTests {
    @Suite struct SinkWrites {
        /// `select` of the every-type table in id order, as psql prints it.
        private func table(_ server: PostgresServer, _ name: String) throws -> [String] {
            try server.psql(#"SELECT id, ts, name, score, ok, day FROM "\#(name)" ORDER BY id"#)
        }

        @Test(arguments: PostgresWriteMethod.allCases)
        func appendWritesEachBatchOnce(method: PostgresWriteMethod) throws {
            let server = try currentServer()
            let name = uniqueTable("append")
            let sink = PostgresSink(url: server.url(), table: name, writeMethod: method)
            try sink.open(context("q-append", .append))
            try sink.addBatch(0, try everyTypeBatch([1, 2, 3]))
            try sink.addBatch(1, try everyTypeBatch([4, 5]))
            // Batch 1 again, as after a crash before commits/1: skipped, even with other rows.
            try sink.addBatch(1, try everyTypeBatch([4, 5, 6]))
            try sink.addBatch(0, try everyTypeBatch([1]))
            #expect(try table(server, name) == [
                "1|2026-11-25 10:00:01.000001+00|n1-0|0.5|f|2024-10-05",
                "2|2026-11-25 10:00:02.000002+00|n2-0|1|t|2024-10-06",
                "3|2026-11-25 10:00:03.000003+00|n3-0|1.5|f|2024-10-07",
                "4|2026-11-25 10:00:04.000004+00||2|t|2024-10-08",
                "5|2026-11-25 10:00:05.000005+00|n5-0|2.5|f|2024-10-09",
            ])
            #expect(try sink.lastAppliedBatchId(queryId: "q-append") == 1)
            #expect(try sink.lastAppliedBatchId(queryId: "another query") == nil)
        }

        @Test(arguments: PostgresWriteMethod.allCases)
        func updateUpsertsOnTheKeysAndSkipsReplays(method: PostgresWriteMethod) throws {
            let server = try currentServer()
            let name = uniqueTable("update")
            let sink = PostgresSink(url: server.url(), table: name, keys: ["id"], writeMethod: method)
            try sink.open(context("q-update", .update))
            try sink.addBatch(0, try everyTypeBatch([1, 2, 3]))
            try sink.addBatch(1, try everyTypeBatch([2, 5], salt: 10))
            try sink.addBatch(1, try everyTypeBatch([1, 2, 3], salt: 99))
            // A key twice in one batch: the last row wins, as applying the rows in order would.
            let twice = try RecordBatch.concat([try everyTypeBatch([3], salt: 20), try everyTypeBatch([3], salt: 30)], schema: everyType)
            try sink.addBatch(2, twice)
            #expect(try server.psql(#"SELECT id, name, score FROM "\#(name)" ORDER BY id"#) == [
                "1|n1-0|0.5", "2|n2-10|11", "3|n3-30|31.5", "5|n5-10|12.5",
            ])
            #expect(try sink.lastAppliedBatchId(queryId: "q-update") == 2)
        }

        @Test(arguments: PostgresWriteMethod.allCases)
        func completeReplacesTheTableInOneTransaction(method: PostgresWriteMethod) throws {
            let server = try currentServer()
            let name = uniqueTable("complete")
            let sink = PostgresSink(url: server.url(), table: name, writeMethod: method)
            try sink.open(context("q-complete", .complete))
            try sink.addBatch(0, try everyTypeBatch([1, 2, 3]))
            try sink.addBatch(1, try everyTypeBatch([7, 8]))
            try sink.addBatch(1, try everyTypeBatch([9]))
            #expect(try server.psql(#"SELECT id FROM "\#(name)" ORDER BY id"#) == ["7", "8"])
            try sink.addBatch(2, RecordBatch.empty(everyType))
            #expect(try server.psql(#"SELECT count(*) FROM "\#(name)""#) == ["0"])
        }

        /// Several queries opening sinks at once on a database that has no progress table yet:
        /// each must open (PostgreSQL's `CREATE TABLE IF NOT EXISTS` alone races on the catalog).
        @Test func sinksOpenedAtOnceOnAFreshDatabaseAllOpen() async throws {
            let server = try currentServer()
            let database = uniqueTable("fresh")
            _ = try server.psql("CREATE DATABASE \(database)")
            let url = server.url(database: database)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let sink = PostgresSink(url: url, table: "t\(index)")
                        try sink.open(context("q-fresh-\(index)", .append))
                        try sink.addBatch(0, try everyTypeBatch([Int64(index)]))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try server.psql("SELECT count(*) FROM sluice_progress", database: database) == ["8"])
        }

        @Test func aFailedBatchLeavesNeitherRowsNorProgress() throws {
            let server = try currentServer()
            let name = uniqueTable("atomic")
            let sink = PostgresSink(url: server.url(), table: name)
            try sink.open(context("q-atomic", .append))
            try sink.addBatch(0, try everyTypeBatch([1]))
            // A NUL byte is not valid in PostgreSQL text: the COPY fails inside the transaction.
            let bad = try RecordBatch.fromRows(
                [[.int64(2), .null, .string("ok"), .null, .null, .null], [.int64(3), .null, .string("a\u{0}b"), .null, .null, .null]], schema: everyType)
            #expect(throws: SQLSinkError.self) { try sink.addBatch(1, bad) }
            #expect(try server.psql(#"SELECT id FROM "\#(name)" ORDER BY id"#) == ["1"])
            #expect(try sink.lastAppliedBatchId(queryId: "q-atomic") == 0)
            // The same sink goes on with the next attempt.
            try sink.addBatch(1, try everyTypeBatch([2]))
            #expect(try server.psql(#"SELECT id FROM "\#(name)" ORDER BY id"#) == ["1", "2"])
        }

        @Test func twoSinksOfOneQueryKeepSeparateProgress() throws {
            let server = try currentServer()
            let a = PostgresSink(url: server.url(), table: uniqueTable("results"))
            let b = PostgresSink(url: server.url(), table: uniqueTable("late"))
            try a.open(context("q-two", .append))
            try b.open(context("q-two", .append))
            try a.addBatch(3, try everyTypeBatch([1]))
            try b.addBatch(2, try everyTypeBatch([1]))
            #expect(try a.lastAppliedBatchId(queryId: "q-two") == 3)
            #expect(try b.lastAppliedBatchId(queryId: "q-two") == 2)
        }

        @Test func createdTableHasTheMappedTypesAndTheKeysAsPrimaryKey() throws {
            let server = try currentServer()
            let name = uniqueTable("types")
            try PostgresSink(url: server.url(), table: name, keys: ["id", "day"]).open(context("q-types", .update))
            #expect(try server.psql("""
                SELECT column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_name = '\(name)' ORDER BY ordinal_position
                """) == [
                    "id|bigint|NO", "ts|timestamp with time zone|YES", "name|text|YES", "score|double precision|YES",
                    "ok|boolean|YES", "day|date|NO",
                ])
            #expect(try server.psql("""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = '\(name)'::regclass AND i.indisprimary ORDER BY a.attname
                """) == ["day", "id"])
        }

        @Test func anExistingTableOfOtherTypesIsAClearError() throws {
            let server = try currentServer()
            let name = uniqueTable("mismatch")
            _ = try server.psql(#"CREATE TABLE "\#(name)" (id integer, ts timestamp, name text, score double precision, ok boolean)"#)
            let sink = PostgresSink(url: server.url(), table: name)
            do {
                try sink.open(context("q-mismatch", .append))
                Issue.record("a mismatched table was accepted")
            } catch let SQLSinkError.schemaMismatch(table, problems) {
                #expect(table == name)
                #expect(problems == [
                    "column 'id' is integer, the query writes int64 (bigint)",
                    "column 'ts' is timestamp without time zone, the query writes timestamp (timestamptz)",
                    "column 'day' (date) is missing",
                ])
            }
        }

        @Test func anExistingTableWithExtraColumnsIsAccepted() throws {
            let server = try currentServer()
            let name = uniqueTable("extra")
            _ = try server.psql(#"""
                CREATE TABLE "\#(name)" (seq serial, id bigint, ts timestamptz, name varchar(40), score double precision, ok boolean, day date,
                loaded_at timestamptz DEFAULT now())
                """#)
            let sink = PostgresSink(url: server.url(), table: name)
            try sink.open(context("q-extra", .append))
            try sink.addBatch(0, try everyTypeBatch([1, 2]))
            #expect(try server.psql(#"SELECT seq, id, loaded_at IS NOT NULL FROM "\#(name)" ORDER BY seq"#) == ["1|1|t", "2|2|t"])
        }

        @Test func updateModeNeedsAUniqueIndexOnTheKeys() throws {
            let server = try currentServer()
            let name = uniqueTable("nokey")
            _ = try server.psql(#"CREATE TABLE "\#(name)" (id bigint, ts timestamptz, name text, score double precision, ok boolean, day date)"#)
            #expect(throws: SQLSinkError.schemaMismatch(table: name, problems: [
                "update mode upserts on (id), but the table has no primary key or unique index on exactly those columns",
            ])) {
                try PostgresSink(url: server.url(), table: name, keys: ["id"]).open(context("q-nokey", .update))
            }
            _ = try server.psql(#"CREATE UNIQUE INDEX ON "\#(name)" (id)"#)
            try PostgresSink(url: server.url(), table: name, keys: ["id"]).open(context("q-nokey", .update))
        }

        @Test func aBatchWhoseConnectionWasTerminatedIsRetriedOnANewOne() throws {
            let server = try currentServer()
            // A database of its own: terminating its backends touches no other test.
            let database = uniqueTable("reconnect")
            _ = try server.psql("CREATE DATABASE \(database)", database: "postgres")
            let sink = PostgresSink(url: server.url(database: database), table: "t")
            try sink.open(context("q-reconnect", .append))
            try sink.addBatch(0, try everyTypeBatch([1]))
            // Several rounds: the statement may reach the connection before, while or after
            // postgres-nio learns that the server closed it.
            for round in 1...6 {
                // At least the sink's connection; under load the backend terminated in the
                // previous round may still be listed while it exits, and is counted again.
                #expect(try server.psql("""
                    SELECT count(pg_terminate_backend(pid)) >= 1 FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()
                    """) == ["t"])
                if round % 2 == 0 { usleep(20_000) }
                try sink.addBatch(Int64(round), try everyTypeBatch([Int64(round) + 1]))
                try sink.addBatch(Int64(round), try everyTypeBatch([Int64(round) + 1]))
            }
            #expect(try server.psql(#"SELECT id FROM "t" ORDER BY id"#, database: database) == (1...7).map(String.init))
            #expect(try sink.lastAppliedBatchId(queryId: "q-reconnect") == 6)
        }

        @Test func connectionErrorsNameTheServerButNotThePassword() throws {
            let server = try currentServer()
            let closedPort = try PostgresServerPorts.closed()
            let sink = PostgresSink(url: "postgres://ana:hunter2@127.0.0.1:\(closedPort)/db?sslmode=disable", table: "t")
            do {
                try sink.open(context("q", .append))
                Issue.record("connected to a closed port")
            } catch {
                let text = "\(error)"
                #expect(text.contains("127.0.0.1:\(closedPort)"))
                #expect(!text.contains("hunter2"))
            }
            // A database that does not exist: the server's own message comes through.
            do {
                try PostgresSink(url: server.url(database: "no_such_db"), table: "t").open(context("q", .append))
                Issue.record("opened a missing database")
            } catch {
                #expect("\(error)".contains("no_such_db"))
            }
        }
    }
}

enum PostgresServerPorts {
    /// A loopback port nothing listens on.
    static func closed() throws -> Int { try PostgresServer.freePort() }
}
