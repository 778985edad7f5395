import Columnar
import StateTestSupport
import Formats
import Testing
@testable import State

@Suite struct StateCorruptionTests {
    enum Damage: CaseIterable, Sendable {
        case empty, truncated, garbage, flippedByte, flippedHeaderByte
    }

    @Test(arguments: ["3.delta", "2.snapshot"], Damage.allCases)
    func damagedFileIsReportedByName(file: String, damage: Damage) throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(3, provider: try checkpoint.provider(snapshotInterval: 2))
        let path = checkpoint.file(file, partition: 1)
        var bytes = try FileSystem.read(path)
        switch damage {
        case .empty: bytes = []
        case .truncated: bytes.removeLast(bytes.count / 2)
        case .garbage: bytes = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        case .flippedByte: bytes[bytes.count / 2] ^= 0x10
        case .flippedHeaderByte: bytes[9] ^= 0x01  // the entry count
        }
        try DurableFile.writeAtomically(path, bytes)

        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider(snapshotInterval: 2).load(version: 3) }
        guard case .corruptFile(let named, _) = error else {
            Issue.record("expected a corrupt-file error, got \(String(describing: error))")
            return
        }
        #expect(named == path)
        let message = error?.description ?? ""
        #expect(message.contains(path))
        #expect(message.contains("restore the file from a backup, or run the query with a new checkpoint location"))
    }

    @Test func fileWithTheWrongKindIsCaught() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(2, provider: try checkpoint.provider(snapshotInterval: 2))
        let delta = checkpoint.file("2.delta", partition: 0)
        try DurableFile.writeAtomically(delta, try FileSystem.read(checkpoint.file("2.snapshot", partition: 0)))
        try FileSystem.remove(checkpoint.file("2.snapshot", partition: 0))
        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider().load(version: 2) }
        #expect(error?.description.contains("not a delta file") == true)
    }

    @Test func fileMovedToAnotherPartitionIsCaught() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(1, provider: try checkpoint.provider())
        let target = checkpoint.file("1.delta", partition: 0)
        var moved = 0
        for p in 1..<4 where try FileSystem.read(checkpoint.file("1.delta", partition: p)).count > 40 {
            try DurableFile.writeAtomically(target, try FileSystem.read(checkpoint.file("1.delta", partition: p)))
            moved += 1
            break
        }
        #expect(moved == 1)
        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider().load(version: 1) }
        #expect(error?.description.contains("belongs to partition") == true)
    }
}
