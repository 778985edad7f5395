import Foundation
import SQLTestSupport
import Streaming
import Testing

/// A chain of three stateful operators (deduplication, then a windowed aggregation, then an
/// aggregation over its windows) SIGKILLed at random moments, inside state writes and inside the
/// sink's transaction, restarted each time: every row reaches the table exactly once.
@Suite struct ChainedKillTests {
    @Test func killedChainedQueryWritesEveryRowExactlyOnce() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeSensorFiles(dir + "/in", files: 6, rowsPerFile: 30)
        func harness(_ run: String) -> KillHarness {
            KillHarness(
                executable: BuiltProducts.path("sluice-sql-torture"),
                arguments: ["--mode", "append", "--query", "chained", "--input", dir + "/in", "--checkpoint", dir + "/checkpoint-" + run,
                            "--sink", "sqlite:" + dir + "/\(run).db", "--table", "t"],
                tracePath: dir + "/trace-" + run)
        }
        try harness("reference").runOnce()
        let phases = ["state-delta"] + KillHarness.sinkPhases
        let landed = try harness("killed").run(kills: 12, seed: 0xC4A1, phases: phases)
        for phase in phases { #expect(landed.contains(phase), "no kill landed in \(phase): \(landed)") }

        // 180 readings 2 s apart from 10:00:00; the final watermark (5:48 past) closes five minutes,
        // each of 30 readings in 6 ten-second windows of 4 sensors.
        let expected = try sqliteRows(dir + "/reference.db", "SELECT strftime('%H:%M', minute), windows, n, total FROM t ORDER BY 1")
        #expect(expected.map { $0.split(separator: "|").prefix(3).joined(separator: "|") }
            == ["10:00|24|30", "10:01|24|30", "10:02|24|30", "10:03|24|30", "10:04|24|30"])
        #expect(try sqliteRows(dir + "/killed.db", "SELECT strftime('%H:%M', minute), windows, n, total FROM t ORDER BY 1") == expected)
        #expect(try sqliteRows(dir + "/killed.db", "SELECT count(*) = count(DISTINCT minute) FROM t") == ["1"])
    }
}
