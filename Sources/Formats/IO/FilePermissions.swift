import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file or directory the engine creates holds, which decides who may read it.
public enum FileRole: Sendable {
    /// Output for others to read: Delta tables (data files, log, log checkpoints).
    case table
    /// What only the engine's operators should see: checkpoints (offsets, commits, source logs,
    /// state, progress, the lock) and bad-records files, which hold raw input lines.
    case restricted
}

/// Permission bits for the files and directories of one `FileRole`.
public struct FileModes: Sendable, Hashable {
    public var file: UInt32
    public var directory: UInt32
    /// Whether the process umask may narrow the bits, as it does for any Unix tool; when
    /// false they are set exactly (`fchmod`/`chmod` after creating), whatever the umask.
    public var narrowedByUmask: Bool

    public init(file: UInt32, directory: UInt32, narrowedByUmask: Bool = false) {
        self.file = file
        self.directory = directory
        self.narrowedByUmask = narrowedByUmask
    }
}

/// The permissions of everything the engine creates, one process-wide setting.
///
/// Every file and directory is created by `DurableFile` or `FileSystem`, which look the modes up
/// here by the role their caller names, so the setting reaches tables, checkpoints, state and
/// bad records without being passed along. It is process-wide rather than per session because
/// tables and state are also written without a session (`DeltaTable`, the `sluice` CLI). Set it
/// once at start-up, before queries run: `FilePermissions.current = .group`. Only what is
/// created afterwards is affected; existing files and directories keep their modes.
public struct FilePermissions: Sendable, Hashable {
    public var tables: FileModes
    public var restricted: FileModes

    public init(tables: FileModes, restricted: FileModes) {
        self.tables = tables
        self.restricted = restricted
    }

    /// The same modes for every role.
    public init(all modes: FileModes) {
        self.init(tables: modes, restricted: modes)
    }

    /// The default: tables readable by everyone (0644 / 0755, narrowed by the umask), checkpoints
    /// and bad records by their owner only (0600 / 0700, exactly).
    public static let standard = FilePermissions(
        tables: FileModes(file: 0o644, directory: 0o755, narrowedByUmask: true),
        restricted: FileModes(file: 0o600, directory: 0o700))

    /// For a deployment that shares its data with the owner's group: everything 0640 / 0750,
    /// exactly; nothing for others.
    public static let group = FilePermissions(all: FileModes(file: 0o640, directory: 0o750))

    /// Everything 0600 / 0700, exactly: tables included.
    public static let ownerOnly = FilePermissions(all: FileModes(file: 0o600, directory: 0o700))

    private static let setting = Mutex(FilePermissions.standard)

    /// The process-wide setting (`standard` until changed).
    public static var current: FilePermissions {
        get { setting.withLock { $0 } }
        set { setting.withLock { $0 = newValue } }
    }

    public func modes(for role: FileRole) -> FileModes {
        switch role {
        case .table: return tables
        case .restricted: return restricted
        }
    }
}

extension FileModes {
    /// Gives the file just created as `fd` its exact mode, unless the umask is to apply.
    func apply(toFile fd: Int32, path: String) throws {
        if narrowedByUmask { return }
        guard fchmod(fd, mode_t(file)) == 0 else { throw IOError("chmod", path) }
    }

    /// Gives the directory just created its exact mode, unless the umask is to apply.
    func apply(toDirectory path: String) throws {
        if narrowedByUmask { return }
        guard chmod(path, mode_t(directory)) == 0 else { throw IOError("chmod", path) }
    }
}
