import Columnar
import Synchronization

/// Prints each batch as a text table, Spark's `console` sink: 20 rows, cells cut at 20 characters.
public final class ConsoleSink: Sink {
    public let numRows: Int
    public let truncate: Bool
    private let output: @Sendable (String) -> Void
    private let lastBatchId = Mutex<Int64>(-1)

    /// - Parameters:
    ///   - numRows: rows shown per batch.
    ///   - truncate: cut cells longer than 20 characters.
    ///   - output: where the text goes (standard output by default).
    public init(numRows: Int = 20, truncate: Bool = true, output: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.numRows = numRows
        self.truncate = truncate
        self.output = output
    }

    public var description: String { "ConsoleSink" }

    public func addBatch(_ batchId: Int64, _ batch: RecordBatch) throws {
        let isNew = lastBatchId.withLock { id in
            defer { id = max(id, batchId) }
            return id < batchId
        }
        guard isNew else { return }
        let rule = String(repeating: "-", count: 44)
        output("\(rule)\nBatch: \(batchId)\n\(rule)\n" + TableFormatter.format(batch, maxRows: numRows, truncate: truncate))
    }
}

/// Renders a batch as an ASCII table, like Spark's `show()`.
public enum TableFormatter {
    public static func format(_ batch: RecordBatch, maxRows: Int = 20, truncate: Bool = true) -> String {
        let shown = min(batch.rowCount, maxRows)
        let header = batch.schema.names
        var cells: [[String]] = (0..<shown).map { r in
            batch.columns.map { c in
                let s = c[r].description
                return truncate && s.count > 20 ? String(s.prefix(17)) + "..." : s
            }
        }
        cells.insert(header, at: 0)
        var widths = header.map { _ in 0 }
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let line = "+" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "+") + "+"
        func render(_ row: [String]) -> String {
            "|" + row.enumerated().map { i, c in String(repeating: " ", count: widths[i] - c.count) + c }.joined(separator: "|") + "|"
        }
        var out = [line, render(cells[0]), line]
        out += cells.dropFirst().map(render)
        out.append(line)
        if batch.rowCount > shown { out.append("only showing top \(shown) row\(shown == 1 ? "" : "s")") }
        return out.joined(separator: "\n") + "\n"
    }
}
