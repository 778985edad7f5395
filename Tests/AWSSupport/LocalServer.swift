import Foundation
import Testing

import AWS

#if canImport(Glibc)
import Glibc
#endif

/// A server process on a free loopback port, started for a test suite. A small Python watchdog
/// runs it: the watchdog stops it on SIGTERM (`stop`) and also once the test process is gone, so
/// a crashed test run leaves no server behind. The watchdog first unblocks all signals: a child
/// of the test process inherits a signal mask with SIGTERM blocked.
public final class LocalServer: Sendable {
    public let port: Int
    public let name: String
    private let process: Process
    public let logPath: String

    static let watchdog = """
        import os, signal, subprocess, sys, time
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        log, parent, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
        child = subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        def stop(*_):
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        while child.poll() is None:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                stop()
            time.sleep(0.3)
        """

    /// Starts `command` (its `$PORT` argument replaced by a free port) and waits until the port
    /// accepts connections.
    public init(name: String, command: [String], startupTimeout: TimeInterval = 60) throws {
        self.name = name
        port = try Self.freePort()
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(port).log").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.watchdog, logPath, String(getpid())]
            + command.map { $0 == "$PORT" ? String(port) : $0 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(startupTimeout)
        while !Self.accepts(port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                throw ServerFailure(description: "\(name) did not start on port \(port):\n\(log.suffix(2000))")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    public struct ServerFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerFailure(description: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw ServerFailure(description: "could not bind a loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    public static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// moto's server (PyPI `moto[server]`) for one test suite: started before the suite's first
/// test, stopped after its last (`.motoServer` trait).
public enum Moto {
    /// moto's app as `moto_server` runs it, but handling one request at a time: moto checks a
    /// condition and then writes without a lock (an `If-None-Match: *` put checks for the key,
    /// then stores), so two racing conditional puts could both win on its threaded server.
    /// Serialized, each request is atomic, as S3's conditional writes are.
    static let serverScript = """
        import os, sys, threading
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import run_simple
        os.environ["MOTO_PORT"] = sys.argv[1]
        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()
        def serialized(environ, start_response):
            with lock:
                return list(app(environ, start_response))
        run_simple("127.0.0.1", int(sys.argv[1]), serialized, threaded=True)
        """

    public static func start() throws -> LocalServer {
        try LocalServer(name: "moto", command: ["python3", "-c", serverScript, "$PORT"])
    }

    @TaskLocal public static var server: LocalServer?

    /// Whether the suites can run: moto is installed, or this is CI (where a missing moto must
    /// fail loudly rather than skip).
    public static let available: Bool = {
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        return (try? PythonTools.run("import moto.server", []).status) == 0
    }()

    public static var current: LocalServer {
        get throws { try #require(server, "the suite needs the .motoServer trait") }
    }

    /// moto's address, for boto3.
    public static var url: String {
        get throws { "http://127.0.0.1:\(try current.port)" }
    }

    /// A configuration for clients of this suite's moto server (any key pair will do).
    public static func configuration(retry: RetryPolicy = .standard, port: Int? = nil) throws -> AWSConfiguration {
        AWSConfiguration(
            region: "us-east-1", credentials: AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing"),
            endpoint: AWSEndpoint(scheme: "http", host: "127.0.0.1", port: try port ?? current.port), retry: retry,
            requestTimeout: .seconds(20))
    }
}

public struct MotoServerTrait: SuiteTrait, TestScoping {
    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try Moto.start()
        defer { server.stop() }
        try await Moto.$server.withValue(server) { try await function() }
    }
}

extension Trait where Self == MotoServerTrait {
    /// One moto server for the whole suite.
    public static var motoServer: Self { Self() }
}
