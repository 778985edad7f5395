import Columnar

/// The state of a table at one version: the result of replaying its log (FORMATS.md A9).
public struct DeltaSnapshot: Sendable {
    public let tablePath: String
    public private(set) var version: Int64
    public private(set) var tableProtocol: DeltaProtocol
    public private(set) var metadata: DeltaMetadata
    /// The columns of the table, partition columns included.
    public private(set) var schema: Schema
    /// Live data files by (encoded) path.
    public private(set) var files: [String: DeltaAddFile]
    /// Removed files still remembered (for vacuum and checkpoints), by path.
    public private(set) var tombstones: [String: DeltaRemoveFile]
    /// The last committed version of each application id.
    public private(set) var transactions: [String: DeltaTxn]

    /// Replay state before `protocol` and `metaData` are known.
    struct Builder {
        var tableProtocol: DeltaProtocol?
        var metadata: DeltaMetadata?
        var files: [String: DeltaAddFile] = [:]
        var tombstones: [String: DeltaRemoveFile] = [:]
        var transactions: [String: DeltaTxn] = [:]

        mutating func apply(_ actions: [DeltaAction]) {
            for a in actions {
                switch a {
                case .protocol(let p): tableProtocol = p
                case .metaData(let m): metadata = m
                case .txn(let t): transactions[t.appId] = t
                case .add(let f):
                    files[f.path] = f
                    tombstones[f.path] = nil
                case .remove(let r):
                    files[r.path] = nil
                    tombstones[r.path] = r
                case .commitInfo: break
                }
            }
        }

        /// - Parameter known: a schema already parsed from the same metaData, to reuse.
        func build(tablePath: String, version: Int64, known: (metadata: DeltaMetadata, schema: Schema)? = nil) throws -> DeltaSnapshot {
            guard let p = tableProtocol else { throw DeltaError.corruptLog(tablePath, "no protocol action up to version \(version)") }
            guard let m = metadata else { throw DeltaError.corruptLog(tablePath, "no metaData action up to version \(version)") }
            try DeltaSnapshot.checkReadable(p, table: tablePath)
            let schema: Schema
            if let known, known.metadata == m { schema = known.schema } else { schema = try DeltaSchema.parse(m.schemaString, table: tablePath) }
            return DeltaSnapshot(
                tablePath: tablePath, version: version, tableProtocol: p, metadata: m, schema: schema, files: files,
                tombstones: tombstones, transactions: transactions)
        }
    }

    /// Applies the actions of commit `version` (the next one).
    mutating func apply(_ actions: [DeltaAction], version: Int64) throws {
        precondition(version == self.version + 1)
        var b = Builder(tableProtocol: tableProtocol, metadata: metadata, files: files, tombstones: tombstones, transactions: transactions)
        // Release our references so the dictionaries are mutated in place, not copied.
        files = [:]
        tombstones = [:]
        b.apply(actions)
        self = try b.build(tablePath: tablePath, version: version, known: (metadata, schema))
    }

    /// Live files sorted by path (a deterministic order for reads and checkpoints).
    public var addFiles: [DeltaAddFile] { files.values.sorted { $0.path < $1.path } }

    /// The last version committed by `appId`, or nil if it never committed.
    public func transactionVersion(_ appId: String) -> Int64? { transactions[appId]?.version }

    public var partitionColumns: [String] { metadata.partitionColumns }

    /// The columns stored in data files (all but the partition columns).
    public var dataSchema: Schema { Schema(schema.fields.filter { !metadata.partitionColumns.contains($0.name) }) }

    /// `delta.checkpointInterval`, default 10 (Spark's).
    public var checkpointInterval: Int64 { metadata.configuration["delta.checkpointInterval"].flatMap { Int64($0) }.map { max(1, $0) } ?? 10 }

    /// Readers need reader version 1, or 3 with no reader features (nothing the engine implements).
    static func checkReadable(_ p: DeltaProtocol, table: String) throws {
        if p.minReaderVersion == 1 { return }
        if p.minReaderVersion == 3, (p.readerFeatures ?? []).isEmpty { return }
        throw DeltaError.unsupportedProtocol(
            table, "it requires reader version \(p.minReaderVersion) with features \(p.readerFeatures ?? []); the engine reads version 1")
    }

    /// Writers support version 2 (appendOnly, no invariants written) or 7 with only those features.
    func checkWritable() throws {
        let p = tableProtocol
        if p.minWriterVersion <= 2 { return }
        let known: Set<String> = ["appendOnly"]
        if p.minWriterVersion == 7, Set(p.writerFeatures ?? []).isSubset(of: known) { return }
        throw DeltaError.unsupportedProtocol(
            tablePath, "it requires writer version \(p.minWriterVersion) with features \(p.writerFeatures ?? []); the engine writes versions up to 2")
    }

    /// `delta.appendOnly=true`: no removes with dataChange.
    public var isAppendOnly: Bool { metadata.configuration["delta.appendOnly"]?.lowercased() == "true" }
}
