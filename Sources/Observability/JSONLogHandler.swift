import Foundation
import Logging
import Streaming
import Synchronization

/// Writes each log entry as one JSON object per line (`timestamp`, `level`, `label`, `message`,
/// then the metadata's keys), for log collectors that parse JSON.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let output: LogOutput

    /// A handler writing to standard error.
    public init(label: String) {
        self.init(label: label, output: .standardError)
    }

    public init(label: String, output: LogOutput) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (k, v) in metadata { fields[k] = v.description }
        for (k, v) in event.metadata ?? [:] { fields[k] = v.description }
        if let error = event.error { fields["error"] = "\(error)" }
        fields["timestamp"] = Self.timestamp()
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = event.message.description
        output.write(Self.encode(fields) + "\n")
    }

    /// One JSON object, keys sorted so lines diff well.
    static func encode(_ fields: [String: String]) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(fields)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private static func timestamp() -> String {
        let now = Date().timeIntervalSince1970
        return Timestamps.formatMillis(Int64((now * 1_000_000).rounded(.down)))
    }
}

/// Where log lines go: standard error, or (for tests) a buffer.
public final class LogOutput: Sendable {
    private let lines = Mutex<[String]?>(nil)

    /// Standard error, written a line at a time.
    public static let standardError = LogOutput(capturing: false)

    /// Keeps lines in memory (`captured`) instead of writing them.
    public init(capturing: Bool = true) {
        if capturing { lines.withLock { $0 = [] } }
    }

    /// The lines written so far, when capturing.
    public var captured: [String] { lines.withLock { $0 ?? [] } }

    /// Writes one line (with its newline).
    public func write(_ line: String) {
        let kept = lines.withLock { buffer -> Bool in
            guard buffer != nil else { return false }
            buffer!.append(line)
            return true
        }
        if !kept { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
