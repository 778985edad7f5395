import Columnar
import StateTestSupport
import Formats
import Testing
@testable import State

/// Reloading from disk in a new provider, as after a restart.
@Suite struct StateRecoveryTests {
    @Test func restartLoadsFromSnapshotsAndDeltas() throws {
        let checkpoint = TemporaryCheckpoint()
        let models = try StateFixtures.commitVersions(8, provider: try checkpoint.provider(snapshotInterval: 3))
        for p in 0..<4 {
            for v in 1...8 { #expect(FileSystem.exists(checkpoint.file("\(v).delta", partition: p))) }
            for v in 1...8 { #expect(FileSystem.exists(checkpoint.file("\(v).snapshot", partition: p)) == (v % 3 == 0)) }
        }
        // 8 = snapshot 6 + deltas 7, 8; 5 = snapshot 3 + deltas 4, 5; 2 = deltas only.
        for v in [8, 7, 6, 5, 2, 1, 0] {
            let restarted = try checkpoint.provider(snapshotInterval: 3)
            #expect(StateFixtures.contents(try restarted.load(version: Int64(v))) == models[v], "version \(v)")
        }
    }

    @Test func restartedProviderContinuesCommitting() throws {
        let checkpoint = TemporaryCheckpoint()
        var models = try StateFixtures.commitVersions(4, provider: try checkpoint.provider(snapshotInterval: 3))
        var model = models[4]
        let restarted = try checkpoint.provider(snapshotInterval: 3)
        var store = try restarted.load(version: 4)
        try StateFixtures.apply(version: 5, to: &store, model: &model)
        #expect(try store.commit() == 5)
        models.append(model)
        #expect(StateFixtures.contents(try checkpoint.provider().load(version: 5)) == models[5])
    }

    @Test func recommitAfterCrashMidCommitIsDeterministic() throws {
        let checkpoint = TemporaryCheckpoint()
        let models = try StateFixtures.commitVersions(6, provider: try checkpoint.provider(snapshotInterval: 3))
        let names = ["6.delta", "6.snapshot"]
        let original = try (0..<4).map { p in try names.map { try FileSystem.read(checkpoint.file($0, partition: p)) } }

        // The crash: version 6 reached only some partitions, and a temporary file was left behind.
        try FileSystem.remove(checkpoint.file("6.delta", partition: 1))
        try FileSystem.remove(checkpoint.file("6.delta", partition: 3))
        try FileSystem.remove(checkpoint.file("6.snapshot", partition: 2))
        try DurableFile.writeNew(checkpoint.file(".6.delta.999.123.tmp", partition: 3), [1, 2, 3])

        let restarted = try checkpoint.provider(snapshotInterval: 3)
        #expect(throws: StateStoreError.self) { try restarted.load(version: 6) }
        var model = models[5]
        var store = try restarted.load(version: 5)
        try StateFixtures.apply(version: 6, to: &store, model: &model)
        #expect(try store.commit() == 6)
        #expect(StateFixtures.contents(store) == models[6])

        for p in 0..<4 {
            for (i, name) in names.enumerated() {
                #expect(try FileSystem.read(checkpoint.file(name, partition: p)) == original[p][i], "\(p)/\(name)")
            }
        }
        #expect(StateFixtures.contents(try checkpoint.provider().load(version: 6)) == models[6])
    }

    @Test func loadingAVersionThatWasNeverCommittedNamesTheMissingFile() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(2, provider: try checkpoint.provider())
        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider().load(version: 3) }
        #expect(error == .missingFile(path: checkpoint.file("3.delta", partition: 0), version: 3))
        #expect(error?.description.contains("new checkpoint location") == true)
    }

    @Test func loadingWithoutMetadataFails() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(1, provider: try checkpoint.provider())
        try FileSystem.remove(FilePaths.join(checkpoint.path, "state", "0", "_metadata"))
        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider().load(version: 1) }
        #expect(error?.description.contains("_metadata is missing") == true)
    }
}
