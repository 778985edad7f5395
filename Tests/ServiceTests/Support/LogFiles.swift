import Foundation
import Streaming

/// Input for the log-pipeline app: JSON lines under `date=2026-11-25/`, written under a hidden
/// name and renamed into place as producers must. Every fifth line is an ERROR; every message
/// is unique, so a table row can be matched with its input line.
enum LogFiles {
    static let linesPerFile = 100

    @discardableResult
    static func write(into input: String, file index: Int, lines: Int = linesPerFile) throws -> String {
        let day = FilePaths.join(input, "date=2026-11-25")
        try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
        let base = Timestamps.make(year: 2026, month: 11, day: 25, hour: 10) + Int64(index) * 60_000_000
        var text = ""
        for i in 0..<lines {
            let level = i % 5 == 0 ? "ERROR" : "INFO"
            let ts = Timestamps.format(base + Int64(i) * 500_000)
            text += #"{"timestamp":"\#(ts)","level":"\#(level)","service":"svc\#(i % 3)","latency_ms":\#(i),"message":"m-\#(index)-\#(i)"}"# + "\n"
        }
        let name = "logs-" + String(format: "%05d", index) + ".jsonl"
        let hidden = FilePaths.join(day, "." + name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: hidden))
        let path = FilePaths.join(day, name)
        try FileManager.default.moveItem(atPath: hidden, toPath: path)
        return path
    }

    /// ERROR lines in `files` files.
    static func errors(files: Int) -> Int { files * ((linesPerFile + 4) / 5) }

    /// The `message` column of a Delta table.
    static func messages(table: String) throws -> [String] {
        let batch = try StreamingSession().read.format(.delta).load(table).batch
        let column = try batch.column("message")
        return (0..<batch.rowCount).map { i in
            if case .string(let s) = column[i] { return s }
            return ""
        }
    }
}

/// Starts the log-pipeline example app on a scratch directory.
struct PipelineFixture {
    let dir: String
    var input: String { FilePaths.join(dir, "input") }
    var tables: String { FilePaths.join(dir, "tables") }
    var checkpoints: String { FilePaths.join(dir, "checkpoints") }

    init(_ name: String) throws {
        dir = try TestEnvironment.scratch(name)
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
    }

    var settings: [String] {
        ["--path", "input=\(input)", "--path", "tables=\(tables)", "--checkpoints", checkpoints]
    }

    func start(_ command: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(TestEnvironment.executable("log-pipeline"), command + settings, environment: environment, directory: dir)
    }

    /// Runs a command of the app to its end; returns status and output.
    func command(_ command: [String], timeout: Double = 60) throws -> (status: Int32?, stdout: String, stderr: String) {
        let p = try start(command)
        let status = p.waitForExit(timeout: timeout)
        return (status, p.stdout, p.stderr)
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}
