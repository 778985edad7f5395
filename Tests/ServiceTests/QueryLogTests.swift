import Foundation
import Logging
import Testing

@testable import Service
@testable import Streaming

/// The engine's log lines, captured through a JSON handler (so the JSON format is checked too).
@Suite struct QueryLogTests {
    struct Line: Decodable {
        var level: String
        var message: String
        var label: String
        var timestamp: String
        var query: String?
        var batch: String?
        var rows: String?
        var durationMs: String?
        var watermark: String?
        var lateRows: String?
        var malformedRows: String?
        var lines: String?
        var changedFiles: String?
        var file: String?
        var line: String?
    }

    static func session(_ output: LogOutput) -> StreamingSession {
        let session = StreamingSession()
        session.streams.logger = Logger(label: "sluice") { JSONLogHandler(label: $0, output: output) }
        return session
    }

    static func parse(_ output: LogOutput) throws -> [Line] {
        try output.captured.map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    @Test func oneInfoLinePerBatchAndWarningsForLateMalformedAndChangedInput() throws {
        let dir = try TestEnvironment.scratch("query-log")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        let first = try EventFiles.write(input, "a.jsonl", minutes: [0, 1, 5], extra: [#"{"ts":"not a time","level":"ERROR""#])
        let output = LogOutput()
        let session = Self.session(output)
        let query = try session.readStream.format(.jsonLines).schema(EventFiles.schema).option(.maxFilesPerTrigger(1)).load(input)
            .withWatermark("ts", delay: .minutes(1))
            .groupBy(window(col("ts"), .minutes(1)))
            .agg(count().as("n"))
            .writeStream.format(.memory("query_log")).outputMode(.append).queryName("logged")
            .start()
        try query.processAllAvailable()
        try EventFiles.write(input, "b.jsonl", minutes: [30])
        try query.processAllAvailable()
        // Late: windows ending before the watermark of the batch before; `a.jsonl` rewritten in place.
        try EventFiles.write(input, "c.jsonl", hour: 9, minutes: [0, 1])
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: first), options: [])
        try query.processAllAvailable()
        query.stop()

        let lines = try Self.parse(output)
        #expect(lines.allSatisfy { $0.query == "logged" && $0.label == "sluice" })
        #expect(lines.first?.message == "query started")
        let batches = lines.filter { $0.level == "info" && $0.batch != nil }
        // Each file is a batch, and each time the watermark moved a no-data batch followed.
        #expect(batches.map(\.batch) == ["0", "1", "2", "3", "4"])
        #expect(batches.map(\.rows) == ["4", "0", "1", "0", "2"])
        #expect(batches.allSatisfy { $0.durationMs != nil && $0.message.hasPrefix("batch \($0.batch!): \($0.rows!) rows in ") })
        #expect(batches[1].watermark == "2026-11-25T10:04:00.000Z")
        #expect(batches[1].message.hasSuffix("watermark 2026-11-25T10:04:00.000Z"))

        let malformed = try #require(lines.first { $0.malformedRows != nil })
        #expect(malformed.level == "warning" && malformed.batch == "0" && malformed.malformedRows == "1")
        #expect(malformed.lines?.contains("a.jsonl:2:") == true, "\(malformed.lines ?? "")")
        let late = try #require(lines.first { $0.lateRows != nil })
        #expect(late.level == "warning" && late.batch == "4" && late.lateRows == "2")
        let changed = try #require(lines.first { $0.changedFiles != nil })
        #expect(changed.level == "warning" && changed.changedFiles?.contains("a.jsonl") == true)
        #expect(lines.last?.message == "query stopped cleanly")
    }

    @Test func aFailedQueryIsAnErrorNamingTheFileAndLine() throws {
        let dir = try TestEnvironment.scratch("query-log-fail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        let bad = try EventFiles.write(input, "bad.jsonl", minutes: [0, 1], extra: ["not json"])
        let output = LogOutput()
        let query = try Self.session(output).readStream.format(.jsonLines).schema(EventFiles.schema).option(.mode(.failFast)).load(input)
            .writeStream.format(.memory("query_log_fail")).queryName("strict").start()
        #expect(throws: ReadError.self) { try query.awaitTermination() }
        let error = try #require(try Self.parse(output).first { $0.level == "error" })
        #expect(error.file == bad)
        #expect(error.line == "2")
        #expect(error.message.contains("\(bad):2"))
    }

    @Test func jsonLinesEscapeWhatTheyCarry() throws {
        let output = LogOutput()
        var logger = Logger(label: "t") { JSONLogHandler(label: $0, output: output) }
        logger.logLevel = .debug
        logger.debug("a \"quoted\"\nline", metadata: ["path": "/x/y"])
        let line = try #require(output.captured.first)
        #expect(line.hasSuffix("\n") && line.dropLast().split(separator: "\n").count == 1)
        let parsed = try JSONDecoder().decode([String: String].self, from: Data(line.utf8))
        #expect(parsed["message"] == "a \"quoted\"\nline")
        #expect(parsed["path"] == "/x/y" && parsed["level"] == "debug")
    }
}
