import Columnar
import Foundation
import Testing

@testable import Delta
@testable import Formats
@testable import Sinks

/// A reader of an older snapshot whose data file is compacted away and vacuumed while it reads.
/// The Parquet reader opens the file again for each column chunk, so the file can vanish between
/// its footer and its data: either way the reader gets `concurrentModification` (read again),
/// never "corrupt Parquet" or "broken log".
@Suite struct DeltaVanishedFileTests {
    func table() throws -> (DeltaTempDir, DeltaTable) {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        for b in 0..<3 { try sink.addBatch(Int64(b), logRows(b * 10, 10, days: 1)) }
        return (dir, DeltaTable(path: dir.sub("t")))
    }

    func compactAndVacuum(_ table: DeltaTable) throws {
        _ = try table.optimize(layout: DeltaLayout(clustering: .zOrder(["service", "ts"]), minFiles: 2))
        _ = try table.vacuum(retentionMillis: 0, force: true)
    }

    @Test func aFileDeletedBetweenItsFooterAndItsColumnsIsAConcurrentChange() throws {
        let (dir, table) = try table()
        _ = dir
        let old = try table.snapshot()
        let file = try #require(old.addFiles.first)
        var caught: (any Error)?
        do {
            _ = try old.readingDataFile(file) { () -> RecordBatch in
                let parquet = try old.openDataFile(file)
                try compactAndVacuum(DeltaTable(path: table.path))
                return try parquet.read(columns: ["service"], rowGroups: [0])
            }
        } catch { caught = error }
        guard case DeltaError.concurrentModification(_, let message)? = caught as? DeltaError else {
            Issue.record("expected concurrentModification, got \(String(describing: caught))")
            return
        }
        #expect(message.contains("deleted by vacuum while being read"))
    }

    @Test func aRangeScanOfAnOlderSnapshotAfterCompactionAndVacuumIsAConcurrentChange() throws {
        let (dir, table) = try table()
        _ = dir
        let old = try table.snapshot()
        try compactAndVacuum(DeltaTable(path: table.path))
        var scan = try DeltaRangeScan(snapshot: old, timeColumn: "ts", from: 0, to: Int64.max)
        var caught: (any Error)?
        do { while try scan.next() != nil {} } catch { caught = error }
        guard case DeltaError.concurrentModification? = caught as? DeltaError else {
            Issue.record("expected concurrentModification, got \(String(describing: caught))")
            return
        }
    }
}
