import Columnar
import Foundation
import Synchronization
import Testing

@testable import Delta
@testable import Formats
@testable import Sinks

/// Clustered compaction beside a writer: the sink's own auto-compaction after its commits and a
/// clustered `optimize` plus forced vacuum looping in another thread. Every row lands exactly once.
@Suite(.serialized) struct DeltaLayoutConcurrencyTests {
    final class Shared: Sendable {
        let writing = Atomic<Bool>(true)
        let outcomes = Mutex((compactions: 0, conflicts: 0, failures: [String]()))
        let finished = DispatchSemaphore(value: 0)
    }

    @Test func autoCompactionAndAClusteredOptimizeLoopBesideAppends() throws {
        let dir = DeltaTempDir()
        let path = dir.sub("t")
        let layout = DeltaLayout(clustering: .zOrder(["service", "ts"]), targetFileSize: 1 << 20, rowGroupRows: 16, minFiles: 3)
        let sink = DeltaSink(path: path, partitionBy: ["date"], configuration: ["delta.checkpointInterval": "7"], layout: layout)
        try sink.open(sinkContext("q"))
        let shared = Shared()
        let maintenance = Thread {
            let table = DeltaTable(path: path)
            while shared.writing.load(ordering: .acquiring) {
                guard table.exists else { continue }
                do {
                    let r = try table.optimize(layout: layout)
                    _ = try table.vacuum(retentionMillis: 0, force: true)
                    if r.version != nil { shared.outcomes.withLock { $0.compactions += 1 } }
                } catch DeltaError.concurrentModification {
                    shared.outcomes.withLock { $0.conflicts += 1 }
                } catch {
                    shared.outcomes.withLock { $0.failures.append("\(error)") }
                }
            }
            shared.finished.signal()
        }
        maintenance.start()
        let batches = 60
        do {
            defer {
                shared.writing.store(false, ordering: .releasing)
                shared.finished.wait()
            }
            for b in 0..<batches { try sink.addBatch(Int64(b), logRows(b * 7, 7, days: 3)) }
        }
        let outcomes = shared.outcomes.withLock { $0 }
        #expect(outcomes.failures.isEmpty, "\(outcomes.failures)")
        #expect(outcomes.compactions > 0, "\(outcomes)")
        let auto = try #require(sink.autoCompaction)
        #expect(auto.commits + auto.conflicts > 0)
        // The sink's compaction only ever loses races (its input compacted or vacuumed away); it never fails otherwise.
        #expect(auto.failures == 0, "\(auto.lastFailure ?? "")")

        #expect(try missingReferencedFiles(path).isEmpty)
        let expected = try RecordBatch.concat((0..<batches).map { logRows($0 * 7, 7, days: 3) }, schema: logSchema)
        let snap = try DeltaTable(path: path).snapshot()
        #expect(sortedRows(try snap.read().batch) == sortedRows(expected))
        #expect(snap.transactionVersion("q") == Int64(batches - 1))
        // After one more clustered pass with the writer gone, a second one finds nothing to do.
        try DeltaTable(path: path).optimize(layout: layout)
        #expect(try DeltaTable(path: path).optimize(layout: layout).version == nil)
    }
}
