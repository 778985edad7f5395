import ArgumentParser
import Foundation
import Logging
import Streaming

/// The settings flags every command of a StreamingApp takes (see `AppConfiguration`).
struct ConfigOptions: ParsableArguments {
    @Option(help: "A JSON configuration file (also SLUICE_CONFIG).")
    var config: String?

    @Option(help: "Directory holding each query's checkpoint, <dir>/<query> (default checkpoints; SLUICE_CHECKPOINTS).")
    var checkpoints: String?

    @Option(help: "Trigger for every query: availableNow, default, or an interval such as 10s (SLUICE_TRIGGER).")
    var trigger: String?

    @Option(help: "Address the web UI and /metrics listen on (default 127.0.0.1; SLUICE_HOST).")
    var host: String?

    @Option(help: "Port of the web UI and /metrics; 0 picks a free one (default 8321; SLUICE_PORT).")
    var port: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info; SLUICE_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "text or json (default text; SLUICE_LOG_FORMAT).")
    var logFormat: String?

    @Option(help: "Bearer token that stopping a query over HTTP needs (default: generated and printed; SLUICE_TOKEN).")
    var token: String?

    @Option(help: "A path the queries look up by name, NAME=PATH (repeatable; SLUICE_PATH_<NAME>).")
    var path: [String] = []

    func load() throws -> AppConfiguration {
        var o = AppConfiguration.Overrides()
        o.checkpoints = checkpoints
        o.trigger = trigger
        o.host = host
        o.port = port
        o.logLevel = logLevel
        o.logFormat = logFormat
        o.token = token
        o.paths = path
        return try AppConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment, flags: o)
    }
}

/// Sends swift-log output where the configuration says, once per process.
enum LogSetup {
    static func bootstrap(_ c: AppConfiguration) {
        let level = c.logLevel
        switch c.logFormat {
        case .json:
            LoggingSystem.bootstrap { label in
                var h = JSONLogHandler(label: label)
                h.logLevel = level
                return h
            }
        case .text:
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = level
                return h
            }
        }
    }

    /// A session whose engine logs at the configured level.
    static func session(_ c: AppConfiguration) -> StreamingSession {
        let session = StreamingSession()
        var logger = Logger(label: "sluice")
        logger.logLevel = c.logLevel
        session.streams.logger = logger
        return session
    }

    static func logger(_ c: AppConfiguration, label: String = "sluice.service") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = c.logLevel
        return logger
    }
}
