import Columnar
import Foundation
import Formats

/// The log dump: the rows of a Delta table whose time column lies in [from, to), local times
/// given in an IANA zone, matching `column = value` conditions, streamed batch by batch with
/// bounded memory (one row group at a time). What `sluice logs` prints and what an HTTP log
/// API streams.
///
/// ```
/// var dump = try DeltaLogDump(table: DeltaTable(path: "tables/logs"),
///     where: [("customer", "acme"), ("service", "api")],
///     from: "2026-11-25 22:00", to: "2026-11-26 01:00", timeZone: "Europe/Paris")
/// while let batch = try dump.next() { ... }
/// print(dump.statistics)
/// ```
public struct DeltaLogDump: Sendable {
    /// The scan underneath (schema, time column, statistics).
    public private(set) var scan: DeltaRangeScan
    /// The range in UTC microseconds.
    public let from: Int64, to: Int64

    public var schema: Schema { scan.schema }
    public var statistics: DeltaRangeScanStatistics { scan.statistics }

    /// - Parameters:
    ///   - conditions: `(column, value)` pairs, all of which must hold; values are read as the column's type.
    ///   - from, to: local times `YYYY-MM-DD HH:MM[:SS]` in `timeZone`.
    ///   - timeColumn: nil for the table's only timestamp column.
    public init(
        table: DeltaTable, where conditions: [(column: String, value: String)], from: String, to: String, timeZone: String,
        timeColumn: String? = nil
    ) throws {
        let zone = try TimeZoneRules.named(timeZone)
        let start = try Self.parseLocal(from, in: zone, name: "from")
        let end = try Self.parseLocal(to, in: zone, name: "to")
        guard start <= end else {
            throw DeltaError.invalidArgument("--from \(from) is after --to \(to) in \(zone.id)")
        }
        let snapshot = try table.snapshot()
        let condition = try Self.equalities(conditions, schema: snapshot.schema)
        scan = try DeltaRangeScan(snapshot: snapshot, timeColumn: timeColumn, from: start, to: end, where: condition)
        self.from = start
        self.to = end
    }

    /// The next batch of rows, or nil at the end.
    public mutating func next() throws -> RecordBatch? { try scan.next() }

    /// `column = value` for every pair, each value parsed as its column's type; nil when empty.
    public static func equalities(_ pairs: [(column: String, value: String)], schema: Schema) throws -> Expr? {
        var out: Expr?
        for (name, text) in pairs {
            guard let field = schema.field(name) else { throw ColumnarError.unknownColumn(name, available: schema.names) }
            guard let v = Value.string(text).cast(to: field.type), v != .null else {
                throw DeltaError.invalidArgument("value '\(text)' for column '\(name)' is not a valid \(field.type)")
            }
            let e = col(name) == lit(v)
            out = out.map { $0 && e } ?? e
        }
        return out
    }

    /// `YYYY-MM-DD HH:MM[:SS]` (or with `T`) as wall-clock time in `zone`, to UTC microseconds.
    /// A time in a daylight-saving gap moves forward by the gap; one in an overlap means the
    /// earlier instant (Java's and Spark's rule).
    public static func parseLocal(_ text: String, in zone: TimeZoneRules, name: String) throws -> Int64 {
        let u = Array(text.utf8)
        let shapeOK = (u.count == 16 || u.count == 19) && (u[10] == UInt8(ascii: " ") || u[10] == UInt8(ascii: "T"))
        guard shapeOK, let wall = Timestamps.parseISO8601(text) else {
            throw DeltaError.invalidArgument("--\(name) '\(text)' is not a local time like 2026-11-25 14:30 or 2026-11-25 14:30:00")
        }
        return zone.utcMicros(fromLocal: wall)
    }
}

extension DeltaRangeScanStatistics {
    /// The one-paragraph summary `sluice logs` prints on stderr.
    public func summary(elapsedSeconds: Double) -> String {
        let share = tableBytes > 0 ? Double(bytesRead) / Double(tableBytes) * 100 : 0
        return """
            files: \(filesConsidered) considered, \(filesPrunedByPartition) pruned by partition, \(filesSkippedByStats) skipped by statistics, \(filesRead) read
            row groups: \(rowGroupsConsidered) considered, \(rowGroupsSkippedByStats) skipped by statistics, \(rowGroupsRead) read
            rows: \(rowsScanned) scanned, \(rowsMatched) matched
            bytes read: \(bytesRead) of \(tableBytes) (\(String(format: "%.3f", share)) % of the table)
            time: \(String(format: "%.3f", elapsedSeconds)) s
            """
    }
}
