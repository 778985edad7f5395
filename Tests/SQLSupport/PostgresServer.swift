import Foundation

/// A PostgreSQL server of its own for a test suite: `initdb` in a temporary directory, started
/// with `pg_ctl` on a free loopback port, stopped and removed by `stop()`.
///
/// PostgreSQL refuses to run as root, so under root (as in CI) the server runs as the
/// `postgres` user that Debian's package creates. Authentication is `trust`: user `postgres`,
/// no password.
public final class PostgresServer: Sendable {
    public let port: Int
    public let directory: String
    public let bindir: String
    /// The database tests use (created at start).
    public static let database = "sluice"

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The newest installed server's `bin` directory (Debian: /usr/lib/postgresql/<v>/bin), or nil.
    public static var binaries: String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed()
            .map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    public static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Starts a server; with `tls`, it also accepts TLS with a self-signed certificate, and the
    /// role `tls_only` may log in only over TLS.
    public static func start(tls: Bool = false) throws -> PostgresServer {
        guard let bindir = binaries else {
            throw Unavailable(description: "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)")
        }
        let directory = try makeDirectory()
        let data = directory + "/data"
        try run(bindir + "/initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], asServerUser: true)
        var options = ["-c listen_addresses=127.0.0.1", "-k \(directory)", "-c max_connections=50"]
        if tls {
            try run("/usr/bin/openssl", [
                "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=localhost",
                "-keyout", data + "/server.key", "-out", data + "/server.crt",
            ], asServerUser: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: data + "/server.key")
            options += ["-c ssl=on", "-c ssl_cert_file=server.crt", "-c ssl_key_file=server.key"]
            let hba = data + "/pg_hba.conf"
            let rules = "hostnossl all tls_only 127.0.0.1/32 reject\nhostssl all tls_only 127.0.0.1/32 trust\n"
            try (rules + (try String(contentsOfFile: hba, encoding: .utf8))).write(toFile: hba, atomically: false, encoding: .utf8)
        }
        var lastError = ""
        // Another process may take the free port between the probe and the start: try again.
        for _ in 0..<5 {
            let port = try freePort()
            let status = try startDaemon(
                bindir + "/pg_ctl", ["-D", data, "-o", (["-p \(port)"] + options).joined(separator: " "), "-l", directory + "/log", "-w", "-t", "60", "start"],
                output: directory + "/pg_ctl.out")
            if status == 0 {
                let server = PostgresServer(port: port, directory: directory, bindir: bindir)
                _ = try server.psql("CREATE DATABASE \(database)", database: "postgres")
                if tls { _ = try server.psql("CREATE ROLE tls_only LOGIN SUPERUSER", database: "postgres") }
                return server
            }
            lastError = ((try? String(contentsOfFile: directory + "/pg_ctl.out", encoding: .utf8)) ?? "")
                + ((try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? "")
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw Unavailable(description: "pg_ctl could not start PostgreSQL:\n\(lastError)")
    }

    private init(port: Int, directory: String, bindir: String) {
        self.port = port
        self.directory = directory
        self.bindir = bindir
    }

    /// A connection string for `user` (no password: the server trusts loopback).
    public func url(database: String = PostgresServer.database, user: String = "postgres", parameters: String = "") -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)" + (parameters.isEmpty ? "" : "?" + parameters)
    }

    /// Runs `sql` with psql and returns its rows, columns separated by `|` (`-At`).
    public func psql(_ sql: String, database: String = PostgresServer.database) throws -> [String] {
        let result = try Self.run(
            bindir + "/psql",
            ["-X", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-c", sql],
            asServerUser: false, environment: ["PGTZ": "UTC"])
        return result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Stops the server (immediate shutdown: nothing in it is kept) and removes its directory.
    public func stop() {
        _ = try? Self.run(bindir + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], asServerUser: true, check: false)
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: processes

    private static var isRoot: Bool { geteuid() == 0 }

    @discardableResult
    static func run(
        _ tool: String, _ args: [String], asServerUser: Bool, check: Bool = true, environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let p = Process()
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if asServerUser && isRoot {
            p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            p.arguments = ["-u", "postgres", "--", tool] + args
        } else {
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
        }
        // The server must not inherit the test's stdout: pg_ctl's server keeps it open.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-pg-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        if check && p.terminationStatus != 0 {
            throw Unavailable(description: "\(tool) \(args.joined(separator: " ")) failed (\(p.terminationStatus)):\n\(output)")
        }
        return (p.terminationStatus, output)
    }

    /// Runs a command that leaves a daemon behind (`pg_ctl start`) and waits for the command.
    ///
    /// Not with Foundation's `Process`: on Linux it learns that a child ended when a socket the
    /// child inherited closes, and a server that inherited it would keep it open, so the wait
    /// (ours, or that of any other process this test process runs meanwhile) would never end.
    /// `posix_spawn` and `waitpid` wait for the command alone, and bash closes every descriptor
    /// above stderr before it becomes the command, so the server keeps nothing of this process's.
    static func startDaemon(_ tool: String, _ args: [String], output: String) throws -> Int32 {
        let closeAll = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$0" "$@""#
        let argv = (asServerUser ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + ["/bin/bash", "-c", closeAll, tool] + args
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        guard rc == 0 else { throw Unavailable(description: "posix_spawn \(argv[0]) failed: \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : -1
    }

    private static var asServerUser: Bool { isRoot }

    private static func makeDirectory() throws -> String {
        var template = Array("/tmp/sluice-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Unavailable(description: "mkdtemp failed: \(errno)") }
        let dir = String(cString: made)
        if isRoot {
            guard let pw = getpwnam("postgres") else {
                throw Unavailable(description: "no 'postgres' user to run the server as (apt-get install postgresql creates it)")
            }
            guard chown(dir, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else { throw Unavailable(description: "chown \(dir) failed: \(errno)") }
        }
        chmod(dir, 0o700)
        return dir
    }

    /// A port the kernel just handed out on 127.0.0.1, closed again for the server to take.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "socket failed: \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw Unavailable(description: "bind failed: \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
