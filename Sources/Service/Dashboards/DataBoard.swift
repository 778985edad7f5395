import Foundation
import Streaming

/// What the dashboard and log-dump pages read: the app's declared dashboards and log tables,
/// each with one `DeltaTable` kept for the server's life, so a poll reads only the commits that
/// landed since the last one (`DeltaTable.snapshot()` follows the log from its cached version).
public final class DataBoard: Sendable {
    public let dashboards: [Dashboard]
    public let logTables: [LogTable]
    private let tables: [String: DeltaTable]

    /// Names must be unique within each list.
    public convenience init(dashboards: [Dashboard], logTables: [LogTable]) throws {
        for (kind, names) in [("dashboard", dashboards.map(\.name)), ("log table", logTables.map(\.name))] {
            if let dup = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw ConfigurationError("two \(kind)s are named '\(dup)'; names must be unique")
            }
        }
        self.init(unchecked: dashboards, logTables)
    }

    /// Nothing to serve.
    public convenience init() { self.init(unchecked: [], []) }

    private init(unchecked dashboards: [Dashboard], _ logTables: [LogTable]) {
        self.dashboards = dashboards
        self.logTables = logTables
        var tables: [String: DeltaTable] = [:]
        for path in dashboards.map(\.table) + logTables.map(\.path) where tables[path] == nil {
            tables[path] = DeltaTable(path: path)
        }
        self.tables = tables
    }

    public var isEmpty: Bool { dashboards.isEmpty && logTables.isEmpty }

    /// One dashboard in `GET /api/dashboards`.
    public struct DashboardSummary: Codable, Sendable {
        public var name: String
        public var title: String
        public var chart: Dashboard.ChartKind
        public var measure: String
        public var seriesKey: String?
        public var bucketMicros: Int64
    }

    public func dashboardSummaries() -> [DashboardSummary] {
        dashboards.map {
            DashboardSummary(
                name: $0.name, title: $0.title, chart: $0.chart, measure: $0.measure.description, seriesKey: $0.seriesKey,
                bucketMicros: $0.bucketMicros)
        }
    }

    /// One log table in `GET /api/logs/tables`.
    public struct LogTableSummary: Codable, Sendable {
        public var name: String
        public var customerColumn: String
        public var serviceColumn: String
    }

    public func logTableSummaries() -> [LogTableSummary] {
        logTables.map { LogTableSummary(name: $0.name, customerColumn: $0.customerColumn, serviceColumn: $0.serviceColumn) }
    }

    /// Why a request cannot be answered, with its HTTP status.
    public struct RequestError: Error, CustomStringConvertible {
        public var status: Int
        public var description: String
    }

    /// The answer to `GET /api/dashboards/{name}`, or nil when the table is still at
    /// `unlessVersion` (the page already has that version's chart).
    ///
    /// `from` and `to` are local times (`YYYY-MM-DD HH:MM[:SS]`) in `timeZone`; without `to`
    /// the chart ends with the newest data (the table's statistics), without `from` it shows 60
    /// buckets before `to`.
    public func series(
        dashboard name: String, from: String?, to: String?, timeZone: String?, unlessVersion: Int64? = nil
    ) throws -> DashboardSeries? {
        guard let d = dashboards.first(where: { $0.name == name }), let table = tables[d.table] else {
            throw RequestError(status: 404, description: "no dashboard named '\(name)'")
        }
        guard table.exists else {
            throw RequestError(status: 404, description: "dashboard \(name): table \(d.table) has no commit yet")
        }
        let snapshot = try table.snapshot()
        if let unlessVersion, unlessVersion == snapshot.version { return nil }
        let zoneName = timeZone.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"
        let zone = try Self.zone(zoneName)
        let end: Int64
        if let to, !to.isEmpty {
            end = try Self.local(to, zone, "to")
        } else {
            let newest = d.newestTime(in: snapshot) ?? Int64(Date().timeIntervalSince1970 * 1_000_000)
            end = Dashboard.bucketStart(newest, width: d.bucketMicros, zone: zone) + d.bucketMicros
        }
        let start = try from.flatMap { $0.isEmpty ? nil : $0 }.map { try Self.local($0, zone, "from") } ?? end - 60 * d.bucketMicros
        guard start < end else { throw RequestError(status: 400, description: "from must be before to") }
        do {
            return try d.series(snapshot: snapshot, from: start, to: end, timeZone: zoneName)
        } catch let e as DeltaError {
            if case .invalidArgument(let m) = e { throw RequestError(status: 400, description: m) }
            throw e
        }
    }

    /// The log dump for `GET /api/logs`; errors in the request come out as `RequestError`s
    /// before any row is read.
    public func logDump(
        table name: String?, customer: String?, service: String?, from: String?, to: String?, timeZone: String?
    ) throws -> DeltaLogDump {
        guard let name, !name.isEmpty else {
            throw RequestError(status: 400, description: "give table= one of: \(logTables.map(\.name).joined(separator: ", "))")
        }
        guard let t = logTables.first(where: { $0.name == name }), let table = tables[t.path] else {
            throw RequestError(status: 404, description: "no log table named '\(name)'; tables: \(logTables.map(\.name).joined(separator: ", "))")
        }
        guard let from, !from.isEmpty, let to, !to.isEmpty else {
            throw RequestError(status: 400, description: "give from= and to=, local times like 2026-11-25 14:30 in tz=")
        }
        guard table.exists else { throw RequestError(status: 404, description: "log table \(name) has no commit yet") }
        var conditions: [(column: String, value: String)] = []
        if let customer, !customer.isEmpty { conditions.append((t.customerColumn, customer)) }
        if let service, !service.isEmpty { conditions.append((t.serviceColumn, service)) }
        do {
            return try DeltaLogDump(
                table: table, where: conditions, from: from, to: to, timeZone: timeZone.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC",
                timeColumn: t.timeColumn)
        } catch let e as DeltaError {
            if case .invalidArgument(let m) = e { throw RequestError(status: 400, description: m) }
            throw e
        } catch let e as ColumnarError {
            throw RequestError(status: 400, description: "\(e)")
        }
    }

    static func zone(_ name: String) throws -> TimeZoneRules {
        do { return try TimeZoneRules.named(name) } catch { throw RequestError(status: 400, description: "\(error)") }
    }

    static func local(_ text: String, _ zone: TimeZoneRules, _ name: String) throws -> Int64 {
        do { return try DeltaLogDump.parseLocal(text, in: zone, name: name) } catch {
            throw RequestError(status: 400, description: "\(error)")
        }
    }
}
