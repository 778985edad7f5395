import Foundation
import SQLTestSupport
import Streaming
import Testing

extension PostgresTests {
    /// SIGKILLs a query process writing PostgreSQL at random moments and inside the sink's
    /// transaction, restarts it each time, and compares its table with an uninterrupted run.
    @Suite struct Kill {
        @Test(arguments: [OutputMode.append, .update, .complete])
        func killedAndRestartedQueryWritesEveryRowExactlyOnce(mode: OutputMode) throws {
            let server = try currentServer()
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try writeSensorFiles(dir + "/in", files: 10, rowsPerFile: 40)
            let reference = uniqueTable("ref_\(mode.rawValue)")
            let killed = uniqueTable("kill_\(mode.rawValue)")
            func harness(_ table: String, _ run: String) -> KillHarness {
                KillHarness(
                    executable: BuiltProducts.path("sluice-sql-torture"),
                    arguments: ["--mode", mode.rawValue, "--input", dir + "/in", "--checkpoint", dir + "/checkpoint-" + run,
                                "--sink", server.url(), "--table", table],
                    tracePath: dir + "/trace-" + run)
            }
            try harness(reference, "reference").runOnce()
            let landed = try harness(killed, "killed").run(kills: 12, seed: 0x5EED &+ UInt64(mode.rawValue.utf8.count))
            for phase in KillHarness.sinkPhases { #expect(landed.contains(phase), "no kill landed in \(phase): \(landed)") }

            let expected = try server.psql(#"SELECT * FROM "\#(reference)" ORDER BY 1, 2, 3"#)
            #expect(!expected.isEmpty)
            #expect(try server.psql(#"SELECT * FROM "\#(killed)" ORDER BY 1, 2, 3"#) == expected)
            let progress = { (t: String) in try server.psql("SELECT batch_id FROM sluice_progress WHERE table_name = '\(t)'") }
            #expect(try progress(killed) == progress(reference))
            if mode == .append {
                #expect(try server.psql(#"SELECT count(*), count(DISTINCT id) FROM "\#(killed)""#) == ["400|400"])
            }
        }
    }
}
