#if canImport(Glibc)
import Glibc
#endif
import Columnar
import Foundation

/// Runs a query process to completion while SIGKILLing it again and again: at random moments
/// and inside chosen phases of the batch protocol (read from its `SLUICE_TRACE_PHASES` file),
/// restarting it after each kill.
public struct KillHarness {
    public let executable: String
    public let arguments: [String]
    public let tracePath: String
    /// `SLUICE_PHASE_DELAY_MS`: each phase lasts at least this long, so kills land inside steps.
    public var phaseDelayMs = 15
    /// The longest random wait before a kill.
    public var maxRandomDelayMs = 1500
    /// Variables added to the process's environment (credentials for a local S3, say).
    public var environment: [String: String] = [:]

    /// Where a kill is aimed.
    public enum Target: Equatable, CustomStringConvertible {
        case after(milliseconds: Int)
        case inPhase(String)

        public var description: String {
            switch self {
            case .after(let ms): return "after \(ms) ms"
            case .inPhase(let p): return "in \(p)"
            }
        }
    }

    public init(executable: String, arguments: [String], tracePath: String) {
        self.executable = executable
        self.arguments = arguments
        self.tracePath = tracePath
    }

    /// The phases the sink's transaction spans: rows being written, the commit about to be
    /// sent, and the engine writing `commits/N` after the sink committed.
    public static let sinkPhases = ["sink-data-files", "sink-log-commit", "commits-write"]

    /// Kills the process `kills` times (targets cycle: each of `phases`, then a random moment;
    /// phases first, so every phase is hit even if a random kill comes late), then lets it finish. Returns the phase each kill landed in (nil: before the
    /// query traced anything). Throws if a run fails on its own or never finishes.
    public func run(kills: Int, seed: UInt64, phases: [String] = KillHarness.sinkPhases) throws -> [String?] {
        var rng = SplitMix64(seed: seed)  // the same kill times for the same seed
        var landed: [String?] = []
        let targets: [Target?] = (0..<kills).map { i -> Target? in
            let k = i % (phases.count + 1)
            return k < phases.count ? .inPhase(phases[k]) : .after(milliseconds: Int(rng.next() % UInt64(maxRandomDelayMs)) + 20)
        } + [nil]
        for target in targets {
            try? FileManager.default.removeItem(atPath: tracePath)
            let (process, log) = try launch()
            if let target, try watchAndKill(process, target: target) {
                landed.append(Self.phase(tracePath))
                continue
            }
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal || process.terminationStatus != 0 {
                throw HarnessError(description: "run failed (\(process.terminationStatus)) after kills \(landed): \(Self.text(log))")
            }
            // Finished before the planned kill: nothing left to kill.
            if target != nil { return landed }
        }
        return landed
    }

    /// One uninterrupted run.
    public func runOnce() throws {
        let (process, log) = try launch(traced: false)
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw HarnessError(description: "run failed (\(process.terminationStatus)): \(Self.text(log))") }
    }

    private func launch(traced: Bool = true) throws -> (Process, URL) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if traced {
            env["SLUICE_TRACE_PHASES"] = tracePath
            env["SLUICE_PHASE_DELAY_MS"] = String(phaseDelayMs)
        }
        p.environment = env
        let log = URL(fileURLWithPath: tracePath + ".log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        try handle.close()
        return (p, log)
    }

    /// True if it killed the process, false if the process ended first.
    private func watchAndKill(_ p: Process, target: Target) throws -> Bool {
        let start = ContinuousClock.now
        var lastSeen = ""
        while p.isRunning {
            let elapsed = ContinuousClock.now - start
            switch target {
            case .after(let ms):
                if elapsed >= .milliseconds(ms) { return kill(p) }
            case .inPhase(let phase):
                let record = (try? String(contentsOfFile: tracePath, encoding: .utf8)) ?? ""
                if record != lastSeen {
                    lastSeen = record
                    if Self.phase(from: record) == phase { return kill(p) }
                }
                // A phase that never comes (say, no more batches) must not hang the test.
                if elapsed >= .seconds(30) { return kill(p) }
            }
            usleep(500)
        }
        return false
    }

    private func kill(_ p: Process) -> Bool {
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL
    }

    static func phase(_ path: String) -> String? {
        phase(from: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// The phase name of a trace record `<sequence> <phase> [<batch>]`.
    static func phase(from record: String) -> String? {
        let fields = record.split(whereSeparator: { $0 == " " || $0 == "\n" })
        return fields.count >= 2 ? String(fields[1]) : nil
    }

    private static func text(_ url: URL) -> String {
        String((try? String(contentsOf: url, encoding: .utf8))?.suffix(4000) ?? "")
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
}

/// Where `swift build` put the products next to the running test binary.
public enum BuiltProducts {
    public static func path(_ name: String) -> String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        // `swift test` runs <products>/<Package>PackageTests.xctest (a file on Linux).
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent(name).path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent(name).path
    }
}
