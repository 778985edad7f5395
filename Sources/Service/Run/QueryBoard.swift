import Foundation
import Streaming
import Synchronization

/// What the web UI and its JSON API show: the queries this process runs, their status, last
/// error and recent progress, and a way to stop one. Everything is read from the queries'
/// handles (`isActive`, `exception`, `recentProgress`) when asked.
public final class QueryBoard: Sendable {
    /// A query's state as the API reports it.
    public enum Status: String, Codable, Sendable {
        case running, stopping, stopped, failed
    }

    /// One query in `GET /api/queries`.
    public struct Summary: Codable, Sendable, Equatable {
        public var name: String
        public var status: Status
        public var id: String?
        public var runId: String?
        public var checkpoint: String
        public var lastBatchId: Int64?
        public var lastBatchAt: String?
        public var inputRowsPerSecond: Double?
        public var processedRowsPerSecond: Double?
        public var watermark: String?
        public var lastError: String?
    }

    private struct Entry {
        var checkpoint: String
        var query: StreamingQuery?
        var status: Status
        var lastError: String?
    }

    private let entries = Mutex<[(name: String, entry: Entry)]>([])

    public init() {}

    /// Adds (or replaces) a started query under `name`.
    public func add(name: String, checkpoint: String, query: StreamingQuery) {
        entries.withLock { list in
            let e = Entry(checkpoint: checkpoint, query: query, status: query.isActive ? .running : .stopped)
            if let i = list.firstIndex(where: { $0.name == name }) { list[i].entry = e } else { list.append((name, e)) }
        }
    }

    /// Adds a query that could not start, with why.
    public func addFailed(name: String, checkpoint: String, error: any Error) {
        entries.withLock { $0.append((name, Entry(checkpoint: checkpoint, query: nil, status: .failed, lastError: "\(error)"))) }
    }

    public var names: [String] { entries.withLock { $0.map(\.name) } }

    public func summaries() -> [Summary] {
        entries.withLock { $0 }.map { name, e in
            let last = e.query?.lastProgress
            var status = e.status
            var lastError = e.lastError
            // Read from the handle itself, so a query that ended a moment ago is never shown running.
            if let q = e.query, !q.isActive {
                let failure = q.exception
                status = failure == nil ? .stopped : .failed
                lastError = failure.map { "\($0)" }
            }
            return Summary(
                name: name, status: status, id: e.query?.id, runId: e.query?.runId, checkpoint: e.checkpoint,
                lastBatchId: last?.batchId, lastBatchAt: last?.timestamp, inputRowsPerSecond: last?.inputRowsPerSecond,
                processedRowsPerSecond: last?.processedRowsPerSecond, watermark: last?.eventTime["watermark"], lastError: lastError)
        }
    }

    /// The recent progress records of `name` (oldest first), nil when no such query.
    public func progress(of name: String) -> [StreamingQueryProgress]? {
        guard let e = entries.withLock({ $0.first { $0.name == name }?.entry }) else { return nil }
        return e.query?.recentProgress ?? []
    }

    /// Asks `name` to stop after its batch in flight, without waiting. False if unknown.
    public func requestStop(of name: String) -> Bool {
        let query: StreamingQuery? = entries.withLock { list in
            guard let i = list.firstIndex(where: { $0.name == name }) else { return nil }
            if list[i].entry.status == .running { list[i].entry.status = .stopping }
            return list[i].entry.query
        }
        guard let query else { return entries.withLock { $0.contains { $0.name == name } } }
        // `stop()` waits for the batch in flight to commit; nobody here needs to wait with it.
        Thread.detachNewThread { query.stop() }
        return true
    }

}
