import Foundation
import Logging
import Streaming

/// A StreamingApp's settings. Each comes from, in rising precedence: its default, the JSON
/// file given by `--config` (or `SLUICE_CONFIG`), the environment (`SLUICE_…`), the flags.
///
/// A hand-written layer over argument-parser, the environment and `JSONDecoder` rather than
/// swift-configuration: the settings are a handful of typed values and the user's named paths,
/// and this keeps their precedence and error messages in one short file.
///
/// The file: `{"checkpoints": "…", "trigger": "10s", "host": "127.0.0.1", "port": 8321,
/// "logLevel": "info", "logFormat": "json", "token": "…", "paths": {"input": "…"}}`.
/// The environment: `SLUICE_CHECKPOINTS`, `SLUICE_TRIGGER`, `SLUICE_HOST`, `SLUICE_PORT`,
/// `SLUICE_LOG_LEVEL`, `SLUICE_LOG_FORMAT`, `SLUICE_TOKEN`, `SLUICE_PATH_<NAME>` (the path
/// named `<name>` in lower case).
public struct AppConfiguration: Sendable, Equatable {
    /// Where each query's checkpoint goes: `<checkpoints>/<query name>` unless its builder sets one.
    public var checkpoints = "checkpoints"
    /// Overrides the trigger of every query when set.
    public var trigger: Trigger?
    /// The web UI and `/metrics` listen here; port 0 picks a free one.
    public var host = "127.0.0.1"
    public var port = 8321
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    /// Needed to stop a query over HTTP; generated at start when not set.
    public var token: String?
    /// Paths the app's queries look up by name (`context.path("input")`).
    public var paths: [String: String] = [:]

    public enum LogFormat: String, Sendable, Codable, CaseIterable {
        case text, json
    }

    public init() {}

    /// Layers the file, the environment and the flags over the defaults.
    public static func load(file: String?, environment: [String: String], flags: Overrides) throws -> AppConfiguration {
        var c = AppConfiguration()
        if let path = file ?? environment["SLUICE_CONFIG"] { try c.apply(file: path) }
        try c.apply(environment: environment)
        try c.apply(flags)
        return c
    }

    /// Values given on the command line (nil: not given).
    public struct Overrides: Sendable {
        public var checkpoints: String?
        public var trigger: String?
        public var host: String?
        public var port: Int?
        public var logLevel: String?
        public var logFormat: String?
        public var token: String?
        public var paths: [String] = []

        public init() {}
    }

    private struct FileShape: Decodable {
        var checkpoints: String?
        var trigger: String?
        var host: String?
        var port: Int?
        var logLevel: String?
        var logFormat: String?
        var token: String?
        var paths: [String: String]?
    }

    mutating func apply(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("configuration file \(path) cannot be read; check the path given with --config or SLUICE_CONFIG")
        }
        let f: FileShape
        do { f = try JSONDecoder().decode(FileShape.self, from: data) } catch {
            throw ConfigurationError("configuration file \(path) is not valid: \(Self.describe(error))")
        }
        let source = "in \(path)"
        if let v = f.checkpoints { checkpoints = v }
        if let v = f.trigger { trigger = try Self.trigger(v, source) }
        if let v = f.host { host = v }
        if let v = f.port { port = try Self.port(v, source) }
        if let v = f.logLevel { logLevel = try Self.level(v, source) }
        if let v = f.logFormat { logFormat = try Self.format(v, source) }
        if let v = f.token { token = v }
        for (k, v) in f.paths ?? [:] { paths[k] = v }
    }

    mutating func apply(environment env: [String: String]) throws {
        if let v = env["SLUICE_CHECKPOINTS"] { checkpoints = v }
        if let v = env["SLUICE_TRIGGER"] { trigger = try Self.trigger(v, "in SLUICE_TRIGGER") }
        if let v = env["SLUICE_HOST"] { host = v }
        if let v = env["SLUICE_PORT"] {
            guard let n = Int(v) else { throw ConfigurationError("SLUICE_PORT=\(v) is not a port number") }
            port = try Self.port(n, "in SLUICE_PORT")
        }
        if let v = env["SLUICE_LOG_LEVEL"] { logLevel = try Self.level(v, "in SLUICE_LOG_LEVEL") }
        if let v = env["SLUICE_LOG_FORMAT"] { logFormat = try Self.format(v, "in SLUICE_LOG_FORMAT") }
        if let v = env["SLUICE_TOKEN"] { token = v }
        for (k, v) in env where k.hasPrefix("SLUICE_PATH_") && k.count > 12 { paths[String(k.dropFirst(12)).lowercased()] = v }
    }

    mutating func apply(_ o: Overrides) throws {
        if let v = o.checkpoints { checkpoints = v }
        if let v = o.trigger { trigger = try Self.trigger(v, "in --trigger") }
        if let v = o.host { host = v }
        if let v = o.port { port = try Self.port(v, "in --port") }
        if let v = o.logLevel { logLevel = try Self.level(v, "in --log-level") }
        if let v = o.logFormat { logFormat = try Self.format(v, "in --log-format") }
        if let v = o.token { token = v }
        for p in o.paths {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw ConfigurationError("--path \(p): expected NAME=PATH")
            }
            paths[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
    }

    /// `availableNow`, `default` (back to back), or an interval: `500ms`, `10s`, `5m`, `1h`.
    static func trigger(_ text: String, _ source: String) throws -> Trigger {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch t.lowercased() {
        case "availablenow", "available-now": return .availableNow
        case "default", "0": return .default
        default: break
        }
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, ms) in units where t.hasSuffix(suffix) {
            if let n = Int64(t.dropLast(suffix.count)), n >= 0 { return .processingTime(.milliseconds(n * ms)) }
        }
        throw ConfigurationError("trigger '\(text)' \(source) is not one of availableNow, default, or an interval such as 500ms, 10s, 5m, 1h")
    }

    static func port(_ n: Int, _ source: String) throws -> Int {
        guard (0...65535).contains(n) else { throw ConfigurationError("port \(n) \(source) is not between 0 and 65535") }
        return n
    }

    static func level(_ text: String, _ source: String) throws -> Logger.Level {
        guard let l = Logger.Level(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                "log level '\(text)' \(source) is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return l
    }

    static func format(_ text: String, _ source: String) throws -> LogFormat {
        guard let f = LogFormat(rawValue: text.lowercased()) else {
            throw ConfigurationError("log format '\(text)' \(source) is not text or json")
        }
        return f
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let c): return "\(c.codingPath.map(\.stringValue).joined(separator: ".")) should be \(type)"
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        default: return "\(error)"
        }
    }
}

/// A setting that cannot be used; the app exits with `ServiceExit.configuration`.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
