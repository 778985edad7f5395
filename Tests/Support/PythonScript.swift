import Foundation

/// Runs Python snippets for the interoperability tests (pyarrow, deltalake, duckdb).
public enum PythonScript {
    /// Runs `python3 -c script args...`; returns the exit status and combined stdout/stderr.
    public static func run(_ script: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
