import Columnar
import Delta
import Sinks

/// Collects a replay's output rows and writes them as data files of the replacement once about
/// `maxBytes` are held, so output is not kept for the whole range, nor written as one small
/// file per input batch.
final class ReplayOutput {
    private let replacement: DeltaPartitionReplacement
    private let dateColumn: String
    private let days: Range<Int32>
    /// Rows outside `days` are expected (a margin was read) and dropped; otherwise they are an error.
    private let dropOutside: Bool
    private let maxBytes: Int
    private var pending: [RecordBatch] = []
    private var pendingBytes = 0
    private(set) var rows = 0

    init(replacement: DeltaPartitionReplacement, dateColumn: String, days: Range<Int32>, dropOutside: Bool, maxBytes: Int) {
        self.replacement = replacement
        self.dateColumn = dateColumn
        self.days = days
        self.dropOutside = dropOutside
        self.maxBytes = maxBytes
    }

    func add(_ batch: RecordBatch) throws {
        guard batch.rowCount > 0 else { return }
        let kept = try inRange(batch)
        guard kept.rowCount > 0 else { return }
        pending.append(kept)
        pendingBytes += Self.estimatedBytes(kept)
        rows += kept.rowCount
        if pendingBytes >= maxBytes { try flush() }
    }

    func flush() throws {
        guard let first = pending.first else { return }
        try replacement.write(try RecordBatch.concat(pending, schema: first.schema))
        pending = []
        pendingBytes = 0
    }

    private func inRange(_ batch: RecordBatch) throws -> RecordBatch {
        let dates = try batch.column(dateColumn)
        let values = dates.int32Values
        var keep = [Bool](repeating: true, count: batch.rowCount)
        var outside: Int?
        for i in 0..<batch.rowCount where !dates.isValid(i) || !days.contains(values[i]) {
            keep[i] = false
            if outside == nil { outside = i }
        }
        guard let outside else { return batch }
        if dropOutside { return batch.filter(keep) }
        throw QueryError.invalidQuery(
            "replay: the query produced a row with \(dateColumn) = \(dates[outside]) for the days \(Dates.format(days.lowerBound)) to \(Dates.format(days.upperBound - 1));"
                + " the table's date partition must be derived from the event time of the rows (e.g. toDate(col(\"ts\")) or toDate(col(\"window_start\")))")
    }

    /// The bytes a batch's columns hold, roughly.
    private static func estimatedBytes(_ batch: RecordBatch) -> Int {
        batch.columns.reduce(0) { total, c in
            switch c.values {
            case .string(let s): return total + s.bytes.count + 8 * c.count
            case .int32: return total + 4 * c.count
            case .bool: return total + c.count
            default: return total + 8 * c.count
            }
        }
    }
}
