import Columnar
import StateTestSupport
import Formats
import Testing
@testable import State

@Suite struct StateMetadataTests {
    @Test func partitionCountIsFixedByTheFirstRun() throws {
        let checkpoint = TemporaryCheckpoint()
        let models = try StateFixtures.commitVersions(3, provider: try checkpoint.provider(partitions: 4))
        let json = try FileSystem.readString(FilePaths.join(checkpoint.path, "state", "0", "_metadata"))
        #expect(json.contains("\"numPartitions\" : 4"))

        let reconfigured = try checkpoint.provider(partitions: 9)
        #expect(reconfigured.numPartitions == 4)
        var store = try reconfigured.load(version: 3)
        #expect(store.numPartitions == 4)
        #expect(StateFixtures.contents(store) == models[3])
        try store.put(key: StateFixtures.key(100), value: [1, nil])
        _ = try store.commit()
        #expect(!FileSystem.exists(checkpoint.file("4.delta", partition: 4)))
        #expect(try FileSystem.readString(FilePaths.join(checkpoint.path, "state", "0", "_metadata")) == json)
    }

    @Test func keySchemaMismatchFailsClearly() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(1, provider: try checkpoint.provider())
        let other = Schema([Field("service", .string), Field("window", .int64)])
        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider(keySchema: other) }
        let message = error?.description ?? ""
        #expect(message.contains("state in \(checkpoint.path)/state/0 was written by a query with key schema"))
        #expect(message.contains("\(StateFixtures.keySchema); this query has \(other)"))
        #expect(message.contains("use a new checkpoint location"))
    }

    @Test func valueSchemaMismatchFailsClearly() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(1, provider: try checkpoint.provider())
        let extra = Schema(StateFixtures.valueSchema.fields + [Field("sum", .double)])
        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider(valueSchema: extra) }
        #expect(error?.description.contains("value schema") == true)
        // A nullable field may not become non-null: stored rows may hold nulls.
        let strict = Schema([Field("count", .int64, nullable: false), Field("worst", .double, nullable: false)])
        #expect(throws: StateStoreError.self) { try checkpoint.provider(valueSchema: strict) }
    }

    @Test func renamedFieldsAreCompatible() throws {
        let checkpoint = TemporaryCheckpoint()
        let models = try StateFixtures.commitVersions(2, provider: try checkpoint.provider())
        let renamed = Schema([Field("svc", .string), Field("win", .timestamp)])
        #expect(StateFixtures.contents(try checkpoint.provider(keySchema: renamed).load(version: 2)) == models[2])
    }

    @Test func invalidConfigurationIsRejected() {
        let checkpoint = TemporaryCheckpoint()
        #expect(throws: StateStoreError.self) { try checkpoint.provider(partitions: 0) }
        #expect(throws: StateStoreError.self) { try checkpoint.provider(snapshotInterval: 0) }
        #expect(throws: StateStoreError.self) { try checkpoint.provider(minVersionsToRetain: 0) }
    }

    @Test func unreadableMetadataNamesTheFile() throws {
        let checkpoint = TemporaryCheckpoint()
        try StateFixtures.commitVersions(1, provider: try checkpoint.provider())
        let path = FilePaths.join(checkpoint.path, "state", "0", "_metadata")
        try DurableFile.writeAtomically(path, Array("{ not json".utf8))
        let error = #expect(throws: StateStoreError.self) { try checkpoint.provider() }
        #expect(error?.description.contains(path) == true)
    }
}
