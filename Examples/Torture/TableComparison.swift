import Streaming

/// Two Delta tables compared as multisets of rows, read through the engine's own Delta reader.
struct TableComparison: Sendable {
    var expectedRows = 0
    var actualRows = 0
    /// Rows the expected table has more often than the actual one (with how many times).
    var missing: [(row: String, count: Int)] = []
    /// Rows the actual table has more often than the expected one: duplicates or strays.
    var extra: [(row: String, count: Int)] = []
    var expectedVersion: Int64 = 0
    var actualVersion: Int64 = 0

    var rowsMatch: Bool { missing.isEmpty && extra.isEmpty }
    /// One commit per batch that wrote rows: a batch applied twice (or lost) shows here even if
    /// its rows were somehow absorbed elsewhere.
    var versionsMatch: Bool { expectedVersion == actualVersion }
    var ok: Bool { rowsMatch && versionsMatch && expectedRows > 0 }

    init(expected: String, actual: String) throws {
        let e = try Self.rows(expected)
        let a = try Self.rows(actual)
        expectedRows = e.rows.count
        actualRows = a.rows.count
        expectedVersion = e.version
        actualVersion = a.version
        var counts: [String: Int] = [:]
        for r in e.rows { counts[r, default: 0] += 1 }
        for r in a.rows { counts[r, default: 0] -= 1 }
        for (row, c) in counts.sorted(by: { $0.key < $1.key }) where c != 0 {
            if c > 0 { missing.append((row, c)) } else { extra.append((row, -c)) }
        }
    }

    /// Every row of the table's latest snapshot, rendered so that distinct values stay distinct.
    static func rows(_ path: String) throws -> (rows: [String], version: Int64) {
        let snapshot = try DeltaTable(path: path).snapshot()
        let batch = try snapshot.read().batch
        let names = batch.schema.names
        let rows = batch.rows.map { row in
            zip(names, row).map { name, v -> String in
                switch v {
                case .null: return "\(name)=null"
                case .string(let s): return "\(name)=\"\(s)\""
                default: return "\(name)=\(v)"
                }
            }.joined(separator: " ")
        }
        return (rows, snapshot.version)
    }

    /// A few lines describing the differences (empty when there are none).
    func report(limit: Int = 5) -> [String] {
        var lines: [String] = []
        if !versionsMatch { lines.append("table versions differ: expected \(expectedVersion), got \(actualVersion)") }
        if expectedRows == 0 { lines.append("the reference table is empty: the dataset exercises nothing") }
        if !missing.isEmpty {
            lines.append("\(missing.reduce(0) { $0 + $1.count }) row(s) missing, e.g.:")
            lines += missing.prefix(limit).map { "  - \($0.row)" + ($0.count > 1 ? " (×\($0.count))" : "") }
        }
        if !extra.isEmpty {
            lines.append("\(extra.reduce(0) { $0 + $1.count }) row(s) extra (duplicated or wrong), e.g.:")
            lines += extra.prefix(limit).map { "  + \($0.row)" + ($0.count > 1 ? " (×\($0.count))" : "") }
        }
        return lines
    }
}
