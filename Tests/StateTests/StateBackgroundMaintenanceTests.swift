import Columnar
import Formats
import StateTestSupport
import Testing

@testable import State

/// Snapshots and cleanup on a `StateMaintenanceTask`, off the commit path, and what a crash
/// part-way through maintenance leaves.
@Suite struct StateBackgroundMaintenanceTests {
    func names(_ checkpoint: TemporaryCheckpoint, partition: Int) throws -> Set<String> {
        Set(try FileSystem.list(FilePaths.parent(checkpoint.file("x", partition: partition))).filter { !$0.hasPrefix(".") })
    }

    @Test func aCommitWritesOnlyDeltasAndTheTaskSnapshotsAndCleansUp() throws {
        let checkpoint = TemporaryCheckpoint()
        let task = StateMaintenanceTask()
        let provider = try checkpoint.provider(snapshotInterval: 5, minVersionsToRetain: 7, maintenanceTask: task)
        var models = try StateFixtures.commitVersions(4, provider: provider)
        var model = models[4]
        // Maintenance reads the files under the provider's file lock; hold it, and the commit of
        // snapshot version 5 still returns, without its snapshot.
        try provider.filesLock.withLock { _ in
            var store = try provider.load(version: 4)
            try StateFixtures.apply(version: 5, to: &store, model: &model)
            #expect(try store.commit() == 5)
            for p in 0..<4 { #expect(!FileSystem.exists(checkpoint.file("5.snapshot", partition: p))) }
        }
        models.append(model)
        try task.waitUntilIdle()
        for p in 0..<4 { #expect(FileSystem.exists(checkpoint.file("5.snapshot", partition: p))) }

        for v in 6...23 {
            var store = try provider.load(version: Int64(v - 1))
            try StateFixtures.apply(version: v, to: &store, model: &model)
            _ = try store.commit()
            models.append(model)
            // So each maintenance sees its own version as the latest (it reads the newest commit
            // when it runs, and the files it keeps follow from that).
            try task.waitUntilIdle()
        }
        try task.close()
        // After version 20's maintenance, versions 14...20 load from snapshot 10: snapshot 5 and
        // the deltas before 10 are gone. Versions 21...23 are no snapshot versions.
        for p in 0..<4 {
            #expect(try names(checkpoint, partition: p) == Set(["10.snapshot", "15.snapshot", "20.snapshot"] + (10...23).map { "\($0).delta" }))
        }
        for v in [10, 14, 19, 20, 23] {
            #expect(StateFixtures.contents(try checkpoint.provider().load(version: Int64(v))) == models[v], "version \(v)")
        }
    }

    @Test func snapshotsBuiltFromFilesEqualThoseWrittenAtCommit() throws {
        // The task builds snapshots from the durable files; a provider without one writes them
        // from memory at commit. Both must be byte-identical.
        let background = TemporaryCheckpoint(), inline = TemporaryCheckpoint()
        let task = StateMaintenanceTask()
        try StateFixtures.commitVersions(9, provider: try background.provider(snapshotInterval: 3, maintenanceTask: task))
        try task.close()
        try StateFixtures.commitVersions(9, provider: try inline.provider(snapshotInterval: 3))
        for p in 0..<4 {
            for v in [3, 6, 9] {
                #expect(try FileSystem.read(background.file("\(v).snapshot", partition: p)) == FileSystem.read(inline.file("\(v).snapshot", partition: p)))
            }
        }
    }

    @Test func aCrashBetweenSnapshotWriteAndCleanupLosesNothing() throws {
        let checkpoint = TemporaryCheckpoint()
        // Without a task nothing is ever deleted: every snapshot version looks as if maintenance
        // was killed right after writing its snapshots, before deleting anything.
        var models = try StateFixtures.commitVersions(20, provider: try checkpoint.provider(snapshotInterval: 5, minVersionsToRetain: 7))
        // And the last one was killed while writing them: partitions 2 and 3 lack snapshot 20,
        // one holds a half-written temporary file.
        try FileSystem.remove(checkpoint.file("20.snapshot", partition: 2))
        try FileSystem.remove(checkpoint.file("20.snapshot", partition: 3))
        try DurableFile.writeNew(checkpoint.file(".20.snapshot.4242.1.tmp", partition: 3), [0x53, 0x4C])

        // The restart loads every version from what is there.
        for v in 1...20 {
            #expect(StateFixtures.contents(try checkpoint.provider(snapshotInterval: 5).load(version: Int64(v))) == models[v], "version \(v)")
        }
        // It runs on; the next maintenance (version 25) finishes the cleanup.
        let task = StateMaintenanceTask()
        let restarted = try checkpoint.provider(snapshotInterval: 5, minVersionsToRetain: 7, maintenanceTask: task)
        var model = models[20]
        for v in 21...25 {
            var store = try restarted.load(version: Int64(v - 1))
            try StateFixtures.apply(version: v, to: &store, model: &model)
            _ = try store.commit()
            models.append(model)
        }
        try task.close()
        for p in 0..<4 {
            let kept = Set((15...25).map { "\($0).delta" } + ["15.snapshot", "25.snapshot"] + (p < 2 ? ["20.snapshot"] : []))
            #expect(try names(checkpoint, partition: p) == kept, "partition \(p)")
        }
        for v in 19...25 {
            #expect(StateFixtures.contents(try checkpoint.provider().load(version: Int64(v))) == models[v], "version \(v)")
        }
    }

    @Test func aFailedMaintenanceFailsTheNextCommitAndCloseNamingTheFile() throws {
        let checkpoint = TemporaryCheckpoint()
        let task = StateMaintenanceTask()
        let provider = try checkpoint.provider(snapshotInterval: 2, maintenanceTask: task)
        let models = try StateFixtures.commitVersions(3, provider: provider)
        try task.waitUntilIdle()
        // Damage a delta the next snapshot (version 4) is built from.
        let damaged = checkpoint.file("3.delta", partition: 1)
        var bytes = try FileSystem.read(damaged)
        bytes[bytes.count / 2] ^= 0x10
        try DurableFile.writeAtomically(damaged, bytes)

        var model = models[3]
        var store = try provider.load(version: 3)
        try StateFixtures.apply(version: 4, to: &store, model: &model)
        _ = try store.commit()
        let error = #expect(throws: StateStoreError.self) { try task.waitUntilIdle() }
        #expect(error?.description.contains(damaged) == true)
        // The batch after learns of it at its commit, and so does the query's stop.
        var next = try provider.load(version: 4)
        try StateFixtures.apply(version: 5, to: &next, model: &model)
        #expect(throws: StateStoreError.self) { _ = try next.commit() }
        #expect(throws: StateStoreError.self) { try task.close() }
    }
}
