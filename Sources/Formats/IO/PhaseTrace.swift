#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Records which step of the batch protocol a query is in, so that a process that kills the
/// query with SIGKILL can tell afterwards where it died (the crash-torture harness,
/// `Examples/Torture`). It observes the phases `BatchPhase.traced` lists and ignores the others.
///
/// Each `enter` overwrites one fixed-size record at the start of a small file with a single
/// `pwrite` (no fsync: the page cache outlives a killed process), so the file always holds the
/// last phase entered. The record is `<sequence> <phase> <batch>`, space-padded to
/// `recordSize` bytes and ending with a newline; the sequence number lets a watcher see two
/// entries of the same phase in a row (one per state partition, say).
///
/// Enabled per query from the environment, read once when the query starts, so a query without
/// it pays one nil check per phase:
/// - `SLUICE_TRACE_PHASES=<path>`: the file to write.
/// - `SLUICE_PHASE_DELAY_MS=<ms>`: sleep this long on entering each phase, so that kills at
///   random moments land inside steps with good probability. Only for crash testing.
public final class PhaseTrace: BatchPhaseObserver {
    /// The phases, named as the trace writes them (`BatchPhase.traced`).
    public typealias Phase = BatchPhase

    /// Bytes of one record; phase names and batch ids are far shorter.
    public static let recordSize = 64
    public static let pathVariable = "SLUICE_TRACE_PHASES"
    public static let delayVariable = "SLUICE_PHASE_DELAY_MS"

    public let path: String
    /// How long `enter` sleeps, in milliseconds.
    public let delayMs: Int
    private let fd: Int32
    private let sequence = Atomic<Int64>(0)

    /// Opens (creating or truncating) the trace file.
    public init(path: String, delayMs: Int = 0) throws {
        let fd = try FileSystem.openCreating(path, truncate: true)
        self.fd = fd
        self.path = path
        self.delayMs = max(0, delayMs)
    }

    deinit { close(fd) }

    /// The trace the environment asks for, or nil when `SLUICE_TRACE_PHASES` is unset or empty.
    public static func fromEnvironment() throws -> PhaseTrace? {
        guard let p = getenv(pathVariable), p.pointee != 0 else { return nil }
        let delay = getenv(delayVariable).flatMap { Int(String(cString: $0)) } ?? 0
        return try PhaseTrace(path: String(cString: p), delayMs: delay)
    }

    /// Records that the query is entering `phase` of `batch`, then sleeps the configured delay.
    public func enter(_ phase: Phase, batch: Int64? = nil) {
        guard phase.isTraced else { return }
        let seq = sequence.add(1, ordering: .relaxed).newValue
        var text = "\(seq) \(phase.rawValue)"
        if let batch { text += " \(batch)" }
        var bytes = Array(text.utf8.prefix(Self.recordSize - 1))
        bytes += Array(repeating: UInt8(ascii: " "), count: Self.recordSize - 1 - bytes.count)
        bytes.append(UInt8(ascii: "\n"))
        // A failed trace write must not fail the query; the watcher then sees an older phase.
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if delayMs > 0 { usleep(UInt32(delayMs) * 1000) }
    }

    /// One parsed record, as a watcher reads it.
    public struct Record: Sendable, Equatable {
        public var sequence: Int64
        public var phase: Phase
        public var batch: Int64?
    }

    /// Parses the record in the file at `path`; nil if it is missing or holds no record yet.
    public static func read(_ path: String) -> Record? {
        guard let bytes = try? FileSystem.read(path) else { return nil }
        let fields = String(decoding: bytes.prefix(recordSize), as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let seq = Int64(fields[0]), let phase = Phase(rawValue: String(fields[1])) else { return nil }
        return Record(sequence: seq, phase: phase, batch: fields.count > 2 ? Int64(fields[2]) : nil)
    }
}
