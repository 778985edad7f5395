import Foundation
import Streaming
import Testing

/// `backfill` of a StreamingApp, as a process beside the query's checkpoint.
@Suite(.serialized) struct BackfillCommandTests {
    @Test func backfillReplacesTheDaysBesideTheStreamAndLogsItsProgress() throws {
        let f = try PipelineFixture("backfill")
        defer { f.remove() }
        for i in 0..<2 { try LogFiles.write(into: f.input, file: i) }
        let streamed = try f.command(["run", "--query", "errors", "--port", "0", "--trigger", "availableNow"], timeout: 120)
        #expect(streamed.status == 0, "\(streamed.stderr)")
        let table = FilePaths.join(f.tables, "errors")
        let before = try LogFiles.messages(table: table)

        let out = try f.command(["backfill", "errors", "--from", "2026-11-25", "--to", "2026-11-25"], timeout: 120)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("backfill errors 2026-11-25…2026-11-25: \(2 * LogFiles.linesPerFile) input rows in range"))
        #expect(out.stdout.contains("\(LogFiles.errors(files: 2)) rows written"))
        #expect(out.stdout.contains("stream batch 1 was the boundary"))
        // Not a terminal: progress comes as log lines, the last with every day and file done.
        #expect(out.stderr.contains("backfill errors: 1/1 days, 2/2 files"))
        let after = try LogFiles.messages(table: table)
        #expect(after.sorted() == before.sorted())

        let bad = try f.command(["backfill", "errors", "--from", "2026-11-26", "--to", "2026-11-25"])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("--from 2026-11-26 is after --to 2026-11-25"))
        let unknown = try f.command(["backfill", "nope", "--from", "2026-11-25", "--to", "2026-11-25"])
        #expect(unknown.status == 78)
        #expect(unknown.stderr.contains("this app declares: errors, errors_per_minute"))
    }
}
