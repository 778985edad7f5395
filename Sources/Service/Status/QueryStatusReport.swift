import Foundation
import Streaming

/// Where one declared query stands, read from its checkpoint (never locking or writing it):
/// whether a process runs it, its batches, watermark, event-time lag and backlog.
public struct QueryStatusReport: Codable, Sendable, Equatable {
    public var name: String
    public var checkpoint: String
    /// False when no checkpoint exists yet (the query never ran).
    public var exists: Bool
    public var running: Bool
    /// `pid … on host` of the process that holds the checkpoint's lock.
    public var holder: String?
    public var lastCommittedBatch: Int64?
    /// A batch planned (`offsets/N`) but not committed: the next start re-runs it.
    public var pendingBatch: Int64?
    public var watermark: String?
    /// Now minus the newest event time of the recent batches, in seconds.
    public var eventTimeLagSeconds: Double?
    public var newestEventTime: String?
    public var backlogFiles: Int?
    public var backlogBytes: Int64?
    /// Why parts of the report are missing (a damaged file, say).
    public var problem: String?

    public static func read(name: String, checkpoint: String, now: Date = Date()) -> QueryStatusReport {
        var r = QueryStatusReport(name: name, checkpoint: FileSystem.absolute(checkpoint), exists: false, running: false)
        r.holder = LockProbe.holder(of: checkpoint)
        r.running = r.holder != nil
        let inspector = CheckpointInspector(checkpoint)
        do {
            let status = try inspector.status()
            r.exists = true
            r.lastCommittedBatch = status.lastCommittedBatch
            if status.hasPendingBatch { r.pendingBatch = status.lastBatchWithOffsets }
            let records = try inspector.progress()
            if let w = records.last?.eventTime["watermark"] {
                r.watermark = w
            } else if let micros = try inspector.committedWatermarkMicros() {
                r.watermark = Timestamps.formatMillis(micros)
            }
            if let newest = records.compactMap({ $0.eventTime["max"].flatMap(Timestamps.parseISO8601) }).max() {
                r.newestEventTime = Timestamps.formatMillis(newest)
                r.eventTimeLagSeconds = (now.timeIntervalSince1970 * 1e6 - Double(newest)) / 1e6
            }
            let backlog = try inspector.backlog().compactMap { $0 }
            if !backlog.isEmpty {
                r.backlogFiles = backlog.reduce(0) { $0 + $1.files }
                r.backlogBytes = backlog.reduce(Int64(0)) { $0 + $1.bytes }
            }
        } catch CheckpointError.notACheckpoint {
            r.exists = false
        } catch {
            r.problem = "\(error)"
        }
        return r
    }

    /// Lines for people.
    public var text: String {
        var lines = ["\(name): " + (running ? "running (\(holder ?? "unknown holder"))" : exists ? "not running" : "never started")]
        lines.append("  checkpoint: \(checkpoint)")
        if exists {
            lines.append("  last committed batch: \(lastCommittedBatch.map(String.init) ?? "none")")
            lines.append("  pending batch: " + (pendingBatch.map { "\($0) (planned, not committed: the next start runs it again)" } ?? "none"))
            lines.append("  watermark: \(watermark ?? "none")")
            if let lag = eventTimeLagSeconds, let newest = newestEventTime {
                lines.append("  event-time lag: \(Self.duration(lag)) (newest event \(newest))")
            } else {
                lines.append("  event-time lag: unknown (no event times in the recent batches)")
            }
            if let files = backlogFiles, let bytes = backlogBytes {
                lines.append("  backlog: \(files) file(s) not read yet (\(Self.bytes(bytes)))")
            }
        }
        if let problem { lines.append("  problem: \(problem)") }
        return lines.joined(separator: "\n")
    }

    static func duration(_ s: Double) -> String {
        let a = abs(s)
        if a < 120 { return String(format: "%.1f s", s) }
        if a < 7200 { return String(format: "%.1f min", s / 60) }
        if a < 172_800 { return String(format: "%.1f h", s / 3600) }
        return String(format: "%.1f days", s / 86400)
    }

    static func bytes(_ b: Int64) -> String {
        if b < 1024 { return "\(b) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var v = Double(b) / 1024
        var i = 0
        while v >= 1024 && i < units.count - 1 {
            v /= 1024
            i += 1
        }
        return String(format: "%.1f", v) + " " + units[i]
    }
}
