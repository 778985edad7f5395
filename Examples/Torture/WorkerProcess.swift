#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, its output going to a log file, that can be
/// SIGKILLed and reaped. (Foundation's `Process` would do, but the harness wants the raw pid
/// and exact wait status.)
struct WorkerProcess {
    let pid: pid_t

    /// How a worker ended.
    enum Exit: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let c): return "exit status \(c)"
            case .signaled(let s): return "signal \(s)"
            }
        }
    }

    struct SpawnError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "posix_spawn failed: \(String(cString: strerror(code)))" }
    }

    /// Starts `executable` with `arguments` and `environment`, stdout and stderr to `log` (truncated).
    init(executable: String, arguments: [String], environment: [String: String], log: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted(by: { $0.key < $1.key }).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw SpawnError(code: rc) }
        self.pid = pid
    }

    /// The exit, if the process has ended (reaping it); nil while it runs.
    func poll() -> Exit? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        return Self.decode(status)
    }

    /// Blocks until the process ends. Call it (or a `poll` that returned an exit) once: a reaped
    /// process has no status left, and reading a zero status would pass for a clean exit.
    func wait() -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { fatalError("waitpid(\(pid)): \(String(cString: strerror(errno))) (reaped twice?)") }
        }
        return Self.decode(status)
    }

    /// SIGKILL: no handler runs, no buffer is flushed, exactly like a power cut for the process
    /// (the page cache survives, as it does for a machine that keeps running).
    func sigkill() {
        _ = kill(pid, SIGKILL)
    }

    private static func decode(_ status: Int32) -> Exit {
        // WIFEXITED / WTERMSIG are macros Swift does not import.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }
}
