import Foundation
import SQLTestSupport
import SluicePostgres
import Streaming
import Synchronization
import Testing

extension PostgresTests {
    /// Lookup joins against a real PostgreSQL table whose rows change while the query runs.
    @Suite struct LookupJoins {
        /// A clock the test moves by hand, for the cache's time to live.
        final class ManualClock: Sendable {
            private let instant = Mutex(ContinuousClock.now)
            var now: ContinuousClock.Instant { instant.withLock { $0 } }
            func advance(_ d: Duration) { instant.withLock { $0 = $0 + d } }
        }

        /// A query over JSON-lines orders `(order_id, customer_id)` in `dir/in`, its rows collected.
        final class OrderStream: @unchecked Sendable {
            let dir: String
            private var files = 0
            /// The rows of every batch, kept apart from the stream so the sink's closure does not hold it.
            final class Delivered: Sendable {
                let rows = Mutex<[[Value]]>([])
            }
            private let delivered = Delivered()
            private var seen = 0
            var query: StreamingQuery!

            init() throws {
                dir = try temporaryDirectory()
                try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
            }

            func start(_ build: (DataStream) throws -> DataStream) throws {
                let orders = try StreamingSession().readStream.format(.jsonLines)
                    .schema(Schema([Field("order_id", .int64), Field("customer_id", .int64)])).load(dir + "/in")
                let delivered = self.delivered
                query = try build(orders).writeStream
                    .foreachBatch { _, batch in delivered.rows.withLock { $0 += batch.rows } }
                    .checkpointLocation(dir + "/checkpoint").trigger(.processingTime(.milliseconds(10))).start()
            }

            /// One file of orders, processed before this returns; the rows it produced.
            func add(_ orders: [(Int64, Int64?)]) throws -> [String] {
                let text = orders.map { #"{"order_id":\#($0.0),"customer_id":\#($0.1.map(String.init) ?? "null")}"# }.joined(separator: "\n")
                try (text + "\n").write(toFile: dir + "/in/.tmp", atomically: false, encoding: .utf8)
                try FileManager.default.moveItem(atPath: dir + "/in/.tmp", toPath: dir + "/in/\(String(format: "%04d", files)).jsonl")
                files += 1
                // The first wait may end with a trigger that listed the directory before the
                // file was moved in; the second ends with one that started after it.
                try query.processAllAvailable()
                try query.processAllAvailable()
                let all = delivered.rows.withLock { $0 }
                defer { seen = all.count }
                return all[seen...].map { $0.map { "\($0)" }.joined(separator: " ") }
            }

            deinit {
                query?.stop()
                try? FileManager.default.removeItem(atPath: dir)
            }
        }

        @Test func changedRowsAreUsedOnceTheirCachedCopiesAreOlderThanTheTimeToLive() throws {
            let server = try currentServer()
            let table = uniqueTable("customers")
            _ = try server.psql(#"CREATE TABLE "\#(table)" (customer_id bigint PRIMARY KEY, name text, tier integer)"#)
            _ = try server.psql(#"INSERT INTO "\#(table)" VALUES (1, 'Ann', 1), (2, 'Bob', 2)"#)
            let clock = ManualClock()
            var customers = try LookupTable.postgres(url: server.url(), table: table).cache(maxKeys: 100, timeToLive: .seconds(30))
            customers.clock = { clock.now }
            let stream = try OrderStream()
            try stream.start { $0.lookupJoin(customers, on: "customer_id", type: .leftOuter).select("order_id", "name", "tier") }

            #expect(try stream.add([(10, 1), (11, 2), (12, 3), (13, 1)]) == ["10 Ann 1", "11 Bob 2", "12 null null", "13 Ann 1"])
            _ = try server.psql(#"UPDATE "\#(table)" SET name = 'Anna', tier = 5 WHERE customer_id = 1"#)
            _ = try server.psql(#"INSERT INTO "\#(table)" VALUES (3, 'Cy', 3)"#)
            clock.advance(.seconds(29))
            #expect(try stream.add([(14, 1), (15, 3)]) == ["14 Ann 1", "15 null null"], "within the time to live the cached rows are used")
            clock.advance(.seconds(1))
            #expect(try stream.add([(16, 1), (17, 3), (18, 2), (19, nil)]) == ["16 Anna 5", "17 Cy 3", "18 Bob 2", "19 null null"])

            let last = try #require(stream.query.recentProgress.last?.lookupJoins?.first)
            #expect([last.numKeys, last.numCacheHits, last.numCacheMisses, last.numLookups] == [3, 0, 3, 1])
            let first = try #require(stream.query.recentProgress.first?.lookupJoins?.first)
            #expect([first.numKeys, first.numCacheMisses, first.numKeysNotFound, first.numLookups] == [3, 3, 1, 1])
        }

        @Test func anInnerJoinDropsRowsWithoutAMatchAndKeysAreAskedForInBatches() throws {
            let server = try currentServer()
            let table = uniqueTable("customers")
            _ = try server.psql(#"CREATE TABLE "\#(table)" (customer_id integer PRIMARY KEY, name varchar(20))"#)
            _ = try server.psql(#"INSERT INTO "\#(table)" SELECT i, 'c' || i FROM generate_series(1, 250, 2) AS i"#)
            let customers = try LookupTable.postgres(url: server.url(), table: table).keysPerLookup(100)
            let stream = try OrderStream()
            try stream.start { $0.lookupJoin(customers, on: "customer_id").select("order_id", "name") }
            let rows = try stream.add((1...250).map { (Int64($0), Int64($0)) })
            #expect(rows == stride(from: 1, through: 250, by: 2).map { "\($0) c\($0)" })
            let p = try #require(stream.query.recentProgress.last?.lookupJoins?.first)
            #expect([p.numKeys, p.numCacheMisses, p.numKeysNotFound, p.numLookups] == [250, 250, 125, 3])
        }

        @Test func everyColumnTypeIsReadAndUnreadableColumnsAreLeftOut() throws {
            let server = try currentServer()
            let table = uniqueTable("every_type")
            _ = try server.psql("""
                CREATE TABLE "\(table)" (code text PRIMARY KEY, n smallint, x real, ok boolean, day date,
                at timestamptz, local timestamp, doc jsonb)
                """)
            _ = try server.psql("""
                INSERT INTO "\(table)" VALUES ('a', 7, 1.5, true, '2026-11-25', '2026-11-25 10:00:00.000001+02', '2026-11-25 10:00:00', '{}'),
                ('b', NULL, NULL, NULL, NULL, NULL, NULL, NULL)
                """)
            let lookup = try PostgresLookupProvider(url: server.url(), table: table)
            #expect(lookup.schema.fields.map { "\($0.name) \($0.type)" } == [
                "code string", "n int64", "x double", "ok bool", "day date", "at timestamp", "local timestamp",
            ])
            #expect(lookup.skippedColumns == ["doc (jsonb)"])
            let source = try lookup.open(columns: lookup.schema.names, key: "code")
            let rows = try source.lookup(keys: Column.from([.string("a"), .string("b"), .string("zz")], type: .string)).rows
                .sorted { Value.compareRows($0, $1) < 0 }
            #expect(rows == [
                [.string("a"), .int64(7), .double(1.5), .bool(true), .date(Int32(Dates.days(year: 2026, month: 11, day: 25))),
                 .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 8, micros: 1)),
                 .timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 10))],
                [.string("b"), .null, .null, .null, .null, .null, .null],
            ])
            // Date and timestamp keys are matched by value.
            let byDay = try lookup.open(columns: ["day", "code"], key: "day")
            #expect(try byDay.lookup(keys: Column.from([.date(Int32(Dates.days(year: 2026, month: 11, day: 25)))], type: .date)).rows
                == [[.date(Int32(Dates.days(year: 2026, month: 11, day: 25))), .string("a")]])
            let byTime = try lookup.open(columns: ["code", "at"], key: "at")
            #expect(try byTime.lookup(keys: Column.from([.timestamp(Timestamps.make(year: 2026, month: 11, day: 25, hour: 8, micros: 1))], type: .timestamp))
                .column("code")[0] == .string("a"))
        }

        @Test func aMissingTableIsReportedWhenTheLookupTableIsMade() throws {
            let server = try currentServer()
            #expect {
                _ = try LookupTable.postgres(url: server.url(), table: "no_such_table")
            } throws: { error in
                "\(error)".contains("lookup table 'no_such_table' not found") && "\(error)".contains("127.0.0.1:\(server.port)/sluice")
            }
        }
    }
}
