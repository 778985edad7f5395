import Columnar
import Formats
import StateTestSupport
import Testing

@testable import State

/// State format 2 keys entries by group-key bytes; state written in format 1 is refused clearly.
@Suite struct StateFormatVersionTests {
    @Test func metadataOfFormatOneIsRefusedWithWhatToDo() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(1, provider: try checkpoint.provider())
        let path = FilePaths.join(checkpoint.path, "state", "0", "_metadata")
        let text = String(decoding: try FileSystem.read(path), as: UTF8.self)
        #expect(text.contains("\"formatVersion\" : 2"))
        try DurableFile.writeAtomically(path, Array(text.replacingOccurrences(of: "\"formatVersion\" : 2", with: "\"formatVersion\" : 1").utf8))

        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider() }
        #expect(error == .outdatedFormatVersion(path: path, found: 1, current: 2))
        #expect(error?.description.contains("run the query with a new checkpoint location") == true)
        #expect(throws: StateStoreError.self) { try FileStateStoreProvider.missingFile(checkpointRoot: checkpoint.path, operatorId: 0, version: 1) }
    }

    @Test func aStateFileOfFormatOneIsRefusedByName() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(2, provider: try checkpoint.provider())
        let path = checkpoint.file("2.delta", partition: 2)
        var bytes = try FileSystem.read(path)
        #expect(bytes[4] == 2 && bytes[5] == 0)
        bytes[4] = 1
        // A valid file of the old version: the checksum covers the header.
        bytes.removeLast(8)
        withUnsafeBytes(of: StableHash.xxHash64(bytes).littleEndian) { bytes.append(contentsOf: $0) }
        try DurableFile.writeAtomically(path, bytes)

        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider().load(version: 2) }
        #expect(error == .outdatedFormatVersion(path: path, found: 1, current: 2))
    }

    @Test func storedKeysAreCheckedAgainstTheGroupKeyLayout() throws {
        let types = StateFixtures.keySchema.fields.map(\.type)
        let good = GroupKeyLayout.encode(["svc", .timestamp(7)], types: types)
        good.withUnsafeBytes { #expect(GroupKeyLayout.problem(in: $0, types: types) == nil) }
        // A RowCodec (format 1) key of the same row does not pass.
        let old = try RowCodec(StateFixtures.keySchema).encode(["svc", .timestamp(7)])
        old.withUnsafeBytes { #expect(GroupKeyLayout.problem(in: $0, types: types) != nil) }
        Array(good.dropLast()).withUnsafeBytes { #expect(GroupKeyLayout.problem(in: $0, types: types) != nil) }
        (good + [0]).withUnsafeBytes { #expect(GroupKeyLayout.problem(in: $0, types: types) != nil) }
        // A null in a non-null key field is caught by the store's codec.
        let codec = StateKeyCodec(Schema([Field("k", .int64, nullable: false)]))
        GroupKeyLayout.encode([.null], types: [.int64]).withUnsafeBytes { #expect(codec.problem(in: $0) != nil) }
    }

    @Test func evictedKeysDoNotAccumulateInAPartition() throws {
        var partition = StatePartition()
        let types: [DataType] = [.timestamp, .string]
        let keys = (0..<1000).map { GroupKeyLayout.encode([.timestamp(Int64($0)), .string("campaign-\($0 % 10)")], types: types) }
        for (i, k) in keys.enumerated() { k.withUnsafeBytes { _ = partition.set($0, [UInt8(i % 256)]) } }
        for k in keys[..<990] { k.withUnsafeBytes { _ = partition.set($0, nil) } }
        #expect(partition.count == 10 && partition.keys.count == 1000)
        partition.compactIfSparse()
        #expect(partition.count == 10 && partition.keys.count == 10)
        for (i, k) in keys.enumerated() {
            let expected: [UInt8]? = i < 990 ? nil : [UInt8(i % 256)]
            k.withUnsafeBytes { #expect(partition.value($0, hash: GroupKeyTable.hash($0)) == expected) }
        }
        #expect(partition.payloadBytes == keys[990...].reduce(0) { $0 + $1.count + 1 })
    }
}
