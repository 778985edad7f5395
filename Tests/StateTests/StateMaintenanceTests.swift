import Columnar
import StateTestSupport
import Formats
import Testing
@testable import State

@Suite struct StateMaintenanceTests {
    @Test func deletesOnlyFilesNoRetainedVersionNeeds() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider(snapshotInterval: 5, minVersionsToRetain: 7)
        let models = try StateFixtures.commitVersions(23, provider: provider)

        // Versions 17...23 must stay loadable; 17 loads from snapshot 15, so snapshots 5 and 10
        // and deltas 1...14 go, per partition.
        #expect(try provider.maintenance() == 4 * (2 + 14))
        for p in 0..<4 {
            let names = Set(try FileSystem.list(FilePaths.parent(checkpoint.file("x", partition: p))))
            #expect(names == Set(["15.snapshot", "20.snapshot"] + (15...23).map { "\($0).delta" }))
        }
        for v in 15...23 {
            let restarted = try checkpoint.provider(snapshotInterval: 5, minVersionsToRetain: 7)
            #expect(StateFixtures.contents(try restarted.load(version: Int64(v))) == models[v], "version \(v)")
        }
        #expect(throws: StateStoreError.self) { try checkpoint.provider().load(version: 14) }
        #expect(try provider.maintenance() == 0)
    }

    @Test func keepsEverythingWhileNoSnapshotIsOldEnough() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider(snapshotInterval: 5, minVersionsToRetain: 7)
        try StateFixtures.commitVersions(9, provider: provider)
        #expect(try provider.maintenance() == 0)
        #expect(StateFixtures.contents(try checkpoint.provider().load(version: 1)).count == 5)
    }
}
