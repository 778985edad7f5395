import Formats
import Foundation
import Logging
import Synchronization

/// The engine's log: one `info` line per batch (batch id, rows, duration, watermark), a warning
/// for rows dropped as late, for malformed input lines and for files changed after they were
/// read, and an `error` when a query fails (with the file and line when the failure names one).
///
/// It is a listener every session has (`StreamingQueryManager.logger` sets its `Logger`), so
/// it hears exactly what progress records say and adds no work to the batch itself. Each query
/// gets its own logger, carrying `query` (its name, or id) and `runId` as metadata.
final class QueryLog: StreamingQueryListener {
    private let baseLogger: Mutex<Logger>
    private let loggers = Mutex([String: Logger]())

    init(base: Logger) {
        baseLogger = Mutex(base)
    }

    /// The logger each query's logger is derived from (when the query starts).
    var base: Logger {
        get { baseLogger.withLock { $0 } }
        set { baseLogger.withLock { $0 = newValue } }
    }

    func onQueryStarted(id: String, runId: String, name: String?) {
        let logger = queryLogger(id: id, runId: runId, name: name)
        loggers.withLock { $0[runId] = logger }
        logger.info("query started", metadata: ["queryId": "\(id)"])
    }

    func onQueryProgress(_ p: StreamingQueryProgress) {
        let logger = loggers.withLock { $0[p.runId] } ?? queryLogger(id: p.id, runId: p.runId, name: p.name)
        for line in Self.lines(for: p) { logger.log(level: line.level, "\(line.message)", metadata: line.metadata) }
    }

    func onQueryTerminated(id: String, runId: String, error: (any Error)?) {
        let logger = loggers.withLock { $0.removeValue(forKey: runId) } ?? queryLogger(id: id, runId: runId, name: nil)
        guard let error else {
            logger.info("query stopped cleanly")
            return
        }
        var metadata: Logger.Metadata = ["error": "\(String(describing: error))"]
        if let read = error as? ReadError {
            metadata["file"] = "\(read.path)"
            if let line = read.line { metadata["line"] = "\(line)" }
        }
        logger.error("query failed: \(String(describing: error))", metadata: metadata)
    }

    private func queryLogger(id: String, runId: String, name: String?) -> Logger {
        var logger = base
        logger[metadataKey: "query"] = "\(name ?? id)"
        logger[metadataKey: "runId"] = "\(runId)"
        return logger
    }

    /// What one progress record is logged as: the batch line, then a warning per kind of trouble.
    static func lines(for p: StreamingQueryProgress) -> [(level: Logger.Level, message: String, metadata: Logger.Metadata)] {
        let ms = p.durationMs["triggerExecution"] ?? 0
        var batch: Logger.Metadata = [
            "batch": "\(p.batchId)", "rows": "\(p.numInputRows)", "outputRows": "\(p.sink.numOutputRows)", "durationMs": "\(ms)",
        ]
        var text = "batch \(p.batchId): \(p.numInputRows) rows in \(ms) ms"
        if let w = p.eventTime["watermark"] {
            batch["watermark"] = "\(w)"
            text += ", watermark \(w)"
        }
        var out: [(Logger.Level, String, Logger.Metadata)] = [(.info, text, batch)]
        let late = p.stateOperators.reduce(Int64(0)) { $0 + $1.numRowsDroppedByWatermark }
        if late > 0 {
            out.append((.warning, "batch \(p.batchId): \(late) late row(s) dropped (event time at or before the watermark)",
                ["batch": "\(p.batchId)", "lateRows": "\(late)"]))
        }
        for s in p.sources {
            if s.numMalformedRows > 0 {
                var m: Logger.Metadata = ["batch": "\(p.batchId)", "malformedRows": "\(s.numMalformedRows)", "source": "\(s.description)"]
                // The first few as `path:line: reason` go in `lines` (metadata), not the message twice.
                if let first = s.metrics?["malformedLines"] { m["lines"] = "\(first)" }
                out.append((.warning, "batch \(p.batchId): \(s.numMalformedRows) malformed input line(s) in \(s.description)", m))
            }
            if let changed = Int(s.metrics?["numChangedFiles"] ?? "0"), changed > 0 {
                let files = s.metrics?["changedFiles"] ?? "[]"
                out.append((.warning, "batch \(p.batchId): \(changed) file(s) changed after they were read (not read again): \(files)",
                    ["batch": "\(p.batchId)", "changedFiles": "\(files)", "source": "\(s.description)"]))
            }
        }
        return out
    }
}
