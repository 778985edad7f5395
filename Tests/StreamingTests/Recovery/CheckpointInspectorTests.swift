import Foundation
import Testing

@testable import Streaming

/// `sluice status` and `sluice progress` say what a path is instead of "damaged" or usage text.
@Suite struct CheckpointInspectorTests {
    @Test func statusOnSomethingThatIsNotACheckpointSaysSo() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("plain"))
        try writeHundreds(dir, files: 0..<1)
        try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.delta(dir.sub("t"))).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        for (path, reason) in [
            (dir.sub("plain"), "has no metadata file"), (dir.sub("missing"), "does not exist"),
            (dir.sub("in", "f0.jsonl"), "is a file"), (dir.sub("t"), "is a Delta table"),
        ] {
            do {
                _ = try CheckpointInspector(path).status()
                Issue.record("\(path) is no checkpoint")
            } catch let e as CheckpointError {
                #expect(e == .notACheckpoint(path: path, reason: e.notACheckpointReason ?? ""))
                #expect(e.description.contains("\(path) is not a query checkpoint") && e.description.contains(reason))
                #expect(!e.description.contains("damaged") && !e.description.contains("backup"))
            }
        }
        // Looking did not create anything.
        #expect(!FileSystem.exists(dir.sub("missing")) && !FileSystem.exists(dir.sub("plain", "offsets")))

        let status = try CheckpointInspector(dir.sub("cp")).status()
        #expect(status.lastCommittedBatch == 0 && status.lastSinkBatch == 0)
        #expect(status.description.contains("sink: delta table \(dir.sub("t"))"))
        #expect(status.description.contains("source 0: jsonLines files under \(dir.sub("in"))"))
    }

    @Test func progressWithoutRecordsSaysSo() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("p-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        let text = try CheckpointInspector(dir.sub("cp")).progressReport(last: 3)
        #expect(text.hasPrefix("no progress records in \(dir.sub("cp"))"))
        #expect(throws: CheckpointError.self) { _ = try CheckpointInspector(dir.sub("nowhere")).progressReport(last: 1) }

        try writeHundreds(dir, files: 0..<1)
        try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in"))
            .writeStream.format(.memory("p-\(UUID())")).checkpointLocation(dir.sub("cp")).trigger(.availableNow).start()
            .awaitTermination()
        #expect(try CheckpointInspector(dir.sub("cp")).progressReport(last: 3).contains("\"numInputRows\" : 100"))
    }
}

extension CheckpointError {
    var notACheckpointReason: String? {
        if case .notACheckpoint(_, let r) = self { return r }
        return nil
    }
}
