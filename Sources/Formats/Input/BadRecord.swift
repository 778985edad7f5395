/// A record a reader rejected, kept so it can be written to a bad-records directory.
public struct BadRecord: Sendable, Equatable, Codable {
    /// The file the record came from.
    public var path: String
    /// 1-based number of the line the record starts on.
    public var line: Int
    public var reason: String
    /// The record's raw text (for an overlong line, its first 1 KiB). Invalid UTF-8 is replaced by U+FFFD.
    public var text: String

    public init(path: String, line: Int, reason: String, text: String) {
        self.path = path
        self.line = line
        self.reason = reason
        self.text = text
    }

    /// A bad record whose text is `bytes` decoded leniently.
    init(path: String, line: Int, reason: String, bytes: UnsafeBufferPointer<UInt8>) {
        self.init(path: path, line: line, reason: reason, text: String(decoding: bytes, as: UTF8.self))
    }
}

/// Reading a file failed: the file is unreadable (e.g. truncated zstd data) or, in `failFast`
/// mode, a record was malformed.
public struct ReadError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// 1-based line of the offending record; nil when the failure is not tied to one.
    public let line: Int?
    public let reason: String

    public init(path: String, line: Int?, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}
