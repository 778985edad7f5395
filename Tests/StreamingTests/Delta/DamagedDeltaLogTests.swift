import Foundation
import Testing

@testable import Streaming

/// A damaged Delta log entry is reported with the file named; the table is never read past it
/// as if nothing were wrong.
@Suite struct DamagedDeltaLogTests {
    func makeTable(_ dir: TempDir) throws -> String {
        try writeEvents(dir.sub("in"), "a.jsonl", ids: 0..<5)
        try writeEvents(dir.sub("in"), "b.jsonl", ids: 5..<9)
        try writeEvents(dir.sub("in"), "c.jsonl", ids: 9..<12)
        let table = dir.sub("t")
        try StreamingSession().readStream.schema(eventSchema).option(.maxFilesPerTrigger(1)).load(dir.sub("in"))
            .writeStream.format(.delta(table)).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start().awaitTermination()
        return table
    }

    @Test(arguments: ["garbage", "truncated", "missing"])
    func aDamagedCommitIsReportedWithItsPath(damage: String) throws {
        let dir = TempDir()
        let table = try makeTable(dir)
        let commit = FilePaths.join(table, "_delta_log", "00000000000000000001.json")
        let bytes = try FileSystem.read(commit)
        switch damage {
        case "garbage": try DurableFile.writeAtomically(commit, Array("{\"add\":{\"path\":42".utf8) + [10] + bytes)
        case "truncated": try DurableFile.writeAtomically(commit, Array(bytes.prefix(bytes.count / 2)))
        default: try FileSystem.remove(commit)
        }
        // Version 2 follows the damaged version 1, so a missing file is a gap in the log.
        do {
            let rows = try DeltaTable(path: table).snapshot().read().batch.rowCount
            Issue.record("a damaged log (\(damage)) must not read; got \(rows) rows")
        } catch {
            let text = "\(error)"
            #expect(text.contains(commit), "the damaged (or missing) commit is named: \(text)")
        }
    }
}
