import Streaming
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process started by a test: output goes to files (never a pipe that could fill up), and
/// whatever is still running at the end is SIGKILLed, so a test never hangs on a child.
///
/// Children inherit the test runner's blocked SIGTERM; the app under test unblocks the signals
/// it handles itself, and `kill()` uses SIGKILL, which cannot be blocked.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String) throws {
        stdoutPath = FilePaths.join(directory, "stdout-\(UUID().uuidString.prefix(8)).log")
        stderrPath = FilePaths.join(directory, "stderr-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var pid: Int32 { process.processIdentifier }

    /// Waits until `find` returns a value for the output (stdout + stderr), or `timeout` passes.
    func waitFor<T>(_ what: String, timeout: Double = 60, _ find: (String) -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let v = find(stdout + stderr) { return v }
            if !process.isRunning, let v = find(stdout + stderr) { return v }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ChildError("\(what) did not happen within \(timeout) s; exit \(process.isRunning ? "none (running)" : String(process.terminationStatus))\nstdout:\n\(stdout.suffix(3000))\nstderr:\n\(stderr.suffix(3000))")
    }

    /// The port the service announced (`web UI: http://127.0.0.1:PORT/`).
    func announcedPort(timeout: Double = 120) throws -> Int {
        try waitFor("the service listening", timeout: timeout) { out in
            guard let r = out.range(of: #"web UI: http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) else { return nil }
            return Int(out[r].split(separator: ":").last!.dropLast())
        }
    }

    func signal(_ sig: Int32) { _ = Glibc.kill(pid, sig) }

    /// Waits for the exit; SIGKILLs after `timeout`. Returns the exit status (nil if killed).
    @discardableResult
    func waitForExit(timeout: Double = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// SIGKILL, if still running.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }
}

struct ChildError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Paths of built executables and free ports for tests that start processes.
enum TestEnvironment {
    /// The directory holding the package's built products (beside the test bundle).
    static var productsDirectory: String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("log-pipeline").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug"
    }

    static func executable(_ name: String) throws -> String {
        let path = FilePaths.join(productsDirectory, name)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ChildError("\(path) is not built; run `swift build` (swift test builds it)")
        }
        return path
    }

    /// A loopback port nobody listens on right now (the kernel's choice).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw ChildError("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A fresh directory under the temporary directory.
    static func scratch(_ name: String) throws -> String {
        let dir = FilePaths.join(NSTemporaryDirectory(), "sluice-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
