import Columnar
import Foundation
import Synchronization
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// Optimize and vacuum running in loops (forced zero retention and the default) while a sink
/// commits batches from another thread: at the end every file the log references exists, the
/// rows are exactly those written, and delta-rs reads the same rows.
@Suite(.serialized) struct DeltaConcurrentMaintenanceTests {
    /// What the maintenance loop did while the writer ran.
    struct Tally: Sendable {
        var rounds = 0
        var compactions = 0
        var filesVacuumed = 0
        var conflicts = 0
        var failures: [String] = []
    }

    /// State shared with the maintenance thread.
    final class Shared: Sendable {
        let writing = Atomic<Bool>(true)
        let tally = Mutex(Tally())
        let finished = DispatchSemaphore(value: 0)
    }

    /// Runs `write` on this thread while another thread loops optimize + vacuum (forced 0,
    /// then default) on its own table handle, as `sluice table` would from another process.
    /// `write` gets `pace`, which waits (up to 30 s) until the loop has finished one more round
    /// that compacted something, so the two really interleave even on a loaded machine.
    func withMaintenance(_ path: String, write: (_ pace: () -> Void) throws -> Void) throws -> Tally {
        let shared = Shared()
        let maintenance = Thread {
            let table = DeltaTable(path: path)
            while shared.writing.load(ordering: .acquiring) {
                guard table.exists else { continue }
                do {
                    let compacted = try table.optimize(minFiles: 2)
                    let forced = try table.vacuum(retentionMillis: 0, force: true)
                    _ = try table.vacuum()
                    shared.tally.withLock {
                        $0.rounds += 1
                        if compacted.version != nil { $0.compactions += 1 }
                        $0.filesVacuumed += forced.deletedFiles.count
                    }
                } catch DeltaError.concurrentModification {
                    shared.tally.withLock { $0.conflicts += 1 }
                } catch {
                    shared.tally.withLock { $0.failures.append("\(error)") }
                }
            }
            shared.finished.signal()
        }
        maintenance.start()
        defer {
            shared.writing.store(false, ordering: .releasing)
            shared.finished.wait()
        }
        let pace = {
            let before = shared.tally.withLock { $0.compactions }
            let deadline = ContinuousClock.now + .seconds(30)
            while shared.tally.withLock({ $0.compactions }) == before && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        try write(pace)
        return shared.tally.withLock { $0 }
    }

    @Test func appendsCommitCompleteWhileOptimizeAndVacuumLoop() throws {
        let dir = DeltaTempDir()
        let path = dir.sub("t")
        let sink = DeltaSink(path: path, partitionBy: ["date"], configuration: ["delta.checkpointInterval": "7"])
        try sink.open(sinkContext("q"))
        let batches = 80
        let tally = try withMaintenance(path) { pace in
            for b in 0..<batches {
                try sink.addBatch(Int64(b), logRows(b * 5, 5, days: 3))
                if b % 20 == 19 { pace() }
            }
        }
        #expect(tally.failures.isEmpty, "\(tally.failures)")
        // The loops really overlapped the writes: files were compacted and then vacuumed.
        #expect(tally.compactions > 0 && tally.filesVacuumed > 0, "\(tally)")

        #expect(try missingReferencedFiles(path).isEmpty)
        let expected = try RecordBatch.concat((0..<batches).map { logRows($0 * 5, 5, days: 3) }, schema: logSchema)
        let snap = try DeltaTable(path: path).snapshot()
        #expect(sortedRows(try snap.read().batch) == sortedRows(expected))
        #expect(snap.transactionVersion("q") == Int64(batches - 1))
        if let rs = try deltaRsRows(path, orderBy: "status") {
            #expect(rs.rows == (try canonicalRows(expected, names: rs.names, orderBy: "status")))
        }
    }

    @Test func updateModeMergesCompleteWhileOptimizeAndVacuumLoop() throws {
        let dir = DeltaTempDir()
        let path = dir.sub("t")
        let schema = Schema([Field("k", .int64), Field("v", .int64)])
        let sink = DeltaSink(path: path, mergeKeys: ["k"])
        try sink.open(sinkContext("q", mode: .update, schema: schema))
        let batches = 60
        var latest: [Int64: Int64] = [:]
        var redone = 0
        let tally = try withMaintenance(path) { pace in
            for b in 0..<batches {
                if b % 20 == 19 { pace() }
                let keys = (0..<4).map { Int64((b * 7 + $0 * 5) % 23) }
                let rows = try RecordBatch.fromRows(keys.map { [.int64($0), .int64(Int64(b))] }, schema: schema)
                // A compaction that removed a file this batch merges into fails the batch; a
                // restarted query redoes it with the same id.
                while true {
                    do {
                        try sink.addBatch(Int64(b), rows)
                        break
                    } catch DeltaError.concurrentModification {
                        redone += 1
                    }
                }
                for k in keys { latest[k] = Int64(b) }
            }
        }
        #expect(tally.failures.isEmpty, "\(tally.failures)")
        #expect(tally.compactions > 0 && tally.filesVacuumed > 0, "\(tally)")

        #expect(try missingReferencedFiles(path).isEmpty)
        let expected = try RecordBatch.fromRows(latest.keys.sorted().map { [.int64($0), .int64(latest[$0]!)] }, schema: schema)
        #expect(sortedRows(try DeltaTable(path: path).snapshot().read().batch, by: "k") == sortedRows(expected, by: "k"))
        if let rs = try deltaRsRows(path, orderBy: "k") {
            #expect(rs.rows == (try canonicalRows(expected, names: rs.names, orderBy: "k")))
        }
        print("merge batches redone after a concurrent compaction: \(redone); maintenance \(tally)")
    }
}
