import Streaming

/// A Delta table's latest snapshot as rows, read through the engine's own Delta reader.
struct TableContents {
    var names: [String]
    var rows: [[Value]]
    var version: Int64

    init(_ path: String) throws {
        let snapshot = try DeltaTable(path: path).snapshot()
        let batch = try snapshot.read().batch
        names = batch.schema.names
        rows = batch.rows
        version = snapshot.version
    }

    /// `row` rendered so that distinct values stay distinct.
    func render(_ row: [Value]) -> String {
        zip(names, row).map { name, v -> String in
            switch v {
            case .null: return "\(name)=null"
            case .string(let s): return "\(name)=\"\(s)\""
            default: return "\(name)=\(v)"
            }
        }.joined(separator: " ")
    }

    var rendered: [String] { rows.map(render) }
}

/// Two Delta tables (or a table and the rows it should hold) compared as multisets of rows.
struct TableComparison: Sendable {
    var expectedRows = 0
    var actualRows = 0
    /// Rows the expected table has more often than the actual one (with how many times).
    var missing: [(row: String, count: Int)] = []
    /// Rows the actual table has more often than the expected one: duplicates or strays.
    var extra: [(row: String, count: Int)] = []
    /// Nil when the versions are not comparable (the table's history holds other writers' commits).
    var expectedVersion: Int64?
    var actualVersion: Int64 = 0

    var rowsMatch: Bool { missing.isEmpty && extra.isEmpty }
    /// One commit per batch that wrote rows: a batch applied twice (or lost) shows here even if
    /// its rows were somehow absorbed elsewhere.
    var versionsMatch: Bool { expectedVersion.map { $0 == actualVersion } ?? true }
    var ok: Bool { rowsMatch && versionsMatch && expectedRows > 0 }

    init(expected: String, actual: String) throws {
        let e = try TableContents(expected)
        self.init(expectedRows: e.rendered, expectedVersion: e.version, actual: try TableContents(actual))
    }

    init(expectedRows e: [String], expectedVersion: Int64?, actual: TableContents) {
        self.init(expectedRows: e, expectedVersion: expectedVersion, rows: actual.rendered)
        actualVersion = actual.version
    }

    /// Compares rendered rows; the actual version is left 0.
    init(expectedRows e: [String], expectedVersion: Int64?, rows a: [String]) {
        expectedRows = e.count
        actualRows = a.count
        self.expectedVersion = expectedVersion
        var counts: [String: Int] = [:]
        for r in e { counts[r, default: 0] += 1 }
        for r in a { counts[r, default: 0] -= 1 }
        for (row, c) in counts.sorted(by: { $0.key < $1.key }) where c != 0 {
            if c > 0 { missing.append((row, c)) } else { extra.append((row, -c)) }
        }
    }

    /// A few lines describing the differences (empty when there are none).
    func report(limit: Int = 5) -> [String] {
        var lines: [String] = []
        if !versionsMatch { lines.append("table versions differ: expected \(expectedVersion!), got \(actualVersion)") }
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
