import Columnar
import Formats
import State

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh checkpoint directory per test, removed when the test ends.
public final class TemporaryCheckpoint {
    public let path: String

    public init() {
        var template = Array("/tmp/sluice-state-test.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileSystem.removeTree(path) }

    public func provider(
        partitions: Int = 4, snapshotInterval: Int = 10, minVersionsToRetain: Int = 100,
        keySchema: Schema = StateFixtures.keySchema, valueSchema: Schema = StateFixtures.valueSchema,
        maintenanceTask: StateMaintenanceTask? = nil
    ) throws -> FileStateStoreProvider {
        try FileStateStoreProvider(
            checkpointRoot: path, operatorId: 0, keySchema: keySchema, valueSchema: valueSchema,
            configuredPartitions: partitions, snapshotInterval: snapshotInterval,
            minVersionsToRetain: minVersionsToRetain, maintenanceTask: maintenanceTask)
    }

    public func file(_ name: String, partition: Int, operatorId: Int = 0) -> String {
        FilePaths.join(path, "state", String(operatorId), String(partition), name)
    }
}

public enum StateFixtures {
    public static let keySchema = Schema([Field("service", .string), Field("window", .timestamp)])
    public static let valueSchema = Schema([Field("count", .int64, nullable: false), Field("worst", .double)])

    public static func key(_ i: Int) -> [Value] { [.string("svc-\(i % 7)"), .timestamp(Int64(i) * 60_000_000)] }
    public static func value(_ i: Int, _ version: Int) -> [Value] {
        [.int64(Int64(i * 1000 + version)), i % 3 == 0 ? .null : .double(Double(i) / 4)]
    }

    /// The changes batch `version` makes in every scenario: adds a few keys, updates some,
    /// removes one, so each version differs from the last.
    public static func apply(version: Int, to store: inout any StateStore, model: inout [[Value]: [Value]]) throws {
        for i in (version * 3)..<(version * 3 + 5) {
            try store.put(key: key(i), value: value(i, version))
            model[key(i)] = value(i, version)
        }
        let victim = key(version * 2)
        try store.remove(key: victim)
        model[victim] = nil
    }

    /// Everything in `store`, as a dictionary for comparison with a model.
    public static func contents(_ store: any StateStore) -> [[Value]: [Value]] {
        var out: [[Value]: [Value]] = [:]
        for e in store.entries() { out[e.key] = e.value }
        return out
    }

    /// Commits versions 1...`versions` with `apply`, returning the model after each version.
    @discardableResult
    public static func commitVersions(_ versions: Int, provider: any StateStoreProvider) throws -> [[[Value]: [Value]]] {
        var models: [[[Value]: [Value]]] = [[:]]
        var model: [[Value]: [Value]] = [:]
        for v in 1...versions {
            var store = try provider.load(version: Int64(v - 1))
            try apply(version: v, to: &store, model: &model)
            let committed = try store.commit()
            precondition(committed == Int64(v))
            models.append(model)
        }
        return models
    }
}
